import { describe, expect, it } from "vitest";
import { leafId, ROOT_KEY, selectPath, selectThrough, switchSibling, type TreeNode } from "./branches.ts";

let clock = 0;
function node(id: string, parent: string | null): TreeNode {
  clock += 1;
  return { id, parent_id: parent, created_at: new Date(Date.UTC(2025, 0, 1, 0, 0, clock)).toISOString() };
}

// u1 -> a1 -> u2 -> a2 (regenerated as a2b); u2 edited as u2b -> a3; u1 edited at the root as u1b.
const tree = [
  node("u1", null),
  node("a1", "u1"),
  node("u2", "a1"),
  node("a2", "u2"),
  node("a2b", "u2"),
  node("u2b", "a1"),
  node("a3", "u2b"),
  node("u1b", null),
];

const ids = (path: ReturnType<typeof selectPath>) => path.map((e) => e.message.id);

describe("selectPath", () => {
  it("follows the branch holding the newest message where nothing was chosen", () => {
    expect(ids(selectPath(tree, {}))).toEqual(["u1b"]);
    expect(ids(selectPath(tree, { [ROOT_KEY]: "u1" }))).toEqual(["u1", "a1", "u2b", "a3"]);
    // The user went back to the first answer and continued there: that older branch now holds the newest.
    const continued = [...tree, node("u3", "a2")];
    expect(ids(selectPath(continued, {}))).toEqual(["u1", "a1", "u2", "a2", "u3"]);
  });

  it("follows the selection and reports each message's place among its siblings", () => {
    const path = selectPath(tree, { [ROOT_KEY]: "u1", a1: "u2", u2: "a2" });
    expect(ids(path)).toEqual(["u1", "a1", "u2", "a2"]);
    expect(path.map((e) => [e.index, e.siblingIds.length])).toEqual([
      [0, 2],
      [0, 1],
      [0, 2],
      [0, 2],
    ]);
    expect(path[3]?.siblingIds).toEqual(["a2", "a2b"]);
  });

  it("falls back to the newest branch when the chosen message is unknown", () => {
    expect(ids(selectPath(tree, { [ROOT_KEY]: "gone" }))).toEqual(["u1b"]);
  });

  it("orders siblings created in the same instant by id", () => {
    const same = "2025-01-01T00:00:00.000Z";
    const path = selectPath(
      [
        { id: "b", parent_id: null, created_at: same },
        { id: "a", parent_id: null, created_at: same },
      ],
      {},
    );
    expect(path[0]?.siblingIds).toEqual(["a", "b"]);
    expect(path[0]?.message.id).toBe("b");
  });

  it("is empty for an empty conversation and never loops on a self-parented message", () => {
    expect(selectPath([], {})).toEqual([]);
    const loop = [node("r", null), node("x", "r"), { ...node("y", "y") }];
    expect(ids(selectPath(loop, {}))).toEqual(["r", "x"]);
  });
});

describe("selectThrough", () => {
  it("chooses every ancestor of a message so the path ends there", () => {
    const selection = selectThrough(tree, {}, "a2");
    expect(selection).toEqual({ [ROOT_KEY]: "u1", u1: "a1", a1: "u2", u2: "a2" });
    expect(leafId(selectPath(tree, selection))).toBe("a2");
  });

  it("keeps choices elsewhere in the tree", () => {
    expect(selectThrough(tree, { other: "x" }, "u1")).toEqual({ other: "x", [ROOT_KEY]: "u1" });
  });
});

describe("switchSibling", () => {
  it("moves to the previous and next sibling", () => {
    const start = selectThrough(tree, {}, "a2b");
    const previous = switchSibling(tree, start, "a2b", -1);
    expect(ids(selectPath(tree, previous))).toEqual(["u1", "a1", "u2", "a2"]);
    const back = switchSibling(tree, previous, "a2", 1);
    expect(ids(selectPath(tree, back))).toEqual(["u1", "a1", "u2", "a2b"]);
  });

  it("shows the newest leaf below a switched message", () => {
    const onU2b = switchSibling(tree, selectThrough(tree, {}, "a2"), "u2", 1);
    expect(ids(selectPath(tree, onU2b))).toEqual(["u1", "a1", "u2b", "a3"]);
  });

  it("leaves the selection alone past either end or for an unknown message", () => {
    const start = selectThrough(tree, {}, "a2");
    expect(switchSibling(tree, start, "a2", -1)).toBe(start);
    expect(switchSibling(tree, start, "a2b", 1)).toBe(start);
    expect(switchSibling(tree, start, "nope", 1)).toBe(start);
  });
});

describe("leafId", () => {
  it("is null for an empty path", () => {
    expect(leafId([])).toBeNull();
  });
});
