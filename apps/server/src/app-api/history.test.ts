import type { Message } from "@unilip/db";
import { describe, expect, it } from "vitest";
import { pathTo } from "./history.ts";

const message = (id: string, parentId: string | null): Message => ({
  id,
  conversationId: "conv_1",
  parentId,
  role: "user",
  content: [],
  route: null,
  status: "complete",
  error: null,
  usage: null,
  createdAt: new Date(0),
});

describe("pathTo", () => {
  // a -> b -> c, and a branch a -> d
  const tree = [message("a", null), message("b", "a"), message("c", "b"), message("d", "a")];

  it("walks from a leaf to the root and returns the path oldest first", () => {
    expect(pathTo(tree, "c").map((m) => m.id)).toEqual(["a", "b", "c"]);
    expect(pathTo(tree, "d").map((m) => m.id)).toEqual(["a", "d"]);
    expect(pathTo(tree, null)).toEqual([]);
  });

  it("refuses a parent that is not in the conversation", () => {
    expect(() => pathTo(tree, "zz")).toThrow(expect.objectContaining({ status: 400, param: "parent_id" }));
  });
});
