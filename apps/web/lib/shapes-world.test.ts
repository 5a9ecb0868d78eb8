import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BACKGROUND, listWords, MAX_OBJECTS, OBJECT_SIDES, PALETTE, SHAPES } from "./shapes-world.ts";

// The training world is the source of truth; this fails when it changes and the UI's copy does not.
const SCENE_PY = readFileSync(
  join(import.meta.dirname, "..", "..", "..", "training", "unilip", "world", "scene.py"),
  "utf8",
);

describe("the Shapes world mirror", () => {
  it("has the training shapes, in order", () => {
    const shapes = SCENE_PY.match(/^SHAPES = \(([^)]*)\)/m)?.[1];
    expect(shapes?.match(/"(\w+)"/g)?.map((s) => s.slice(1, -1))).toEqual([...SHAPES]);
  });

  it("has the training palette and background", () => {
    const colors = [...SCENE_PY.matchAll(/^ {4}"(\w+)": \((\d+), (\d+), (\d+)\),$/gm)].map((m) => [
      m[1],
      [Number(m[2]), Number(m[3]), Number(m[4])],
    ]);
    expect(Object.fromEntries(colors)).toEqual(PALETTE);
    expect(SCENE_PY).toContain(`BACKGROUND: tuple[int, int, int] = (${BACKGROUND.join(", ")})`);
  });

  it("has the training object sizes and object limit", () => {
    expect(SCENE_PY).toContain(
      `SIZES: dict[str, int] = {"small": ${OBJECT_SIDES.small}, "large": ${OBJECT_SIDES.large}}`,
    );
    expect(SCENE_PY).toContain(`MAX_OBJECTS = ${MAX_OBJECTS}`);
  });
});

describe("listWords", () => {
  it("joins words as a sentence does", () => {
    expect(listWords([])).toBe("");
    expect(listWords(["red"])).toBe("red");
    expect(listWords(["red", "green", "blue"])).toBe("red, green and blue");
    expect(listWords(["red", "green"], "or")).toBe("red or green");
  });
});
