import { describe, expect, it } from "vitest";
import {
  BRANCH_MEMORY_KEY,
  MAX_REMEMBERED_CONVERSATIONS,
  recallSelection,
  rememberSelection,
} from "./branch-memory.ts";
import { memoryStorage } from "./test-fixtures.ts";

describe("branch memory", () => {
  it("recalls each conversation's selection", () => {
    const storage = memoryStorage();
    expect(recallSelection(storage, "c1")).toEqual({});
    rememberSelection(storage, "c1", { "": "m1", m1: "a2" });
    rememberSelection(storage, "c2", { "": "x" });
    rememberSelection(storage, "c1", { "": "m1", m1: "a1" });
    expect(recallSelection(storage, "c1")).toEqual({ "": "m1", m1: "a1" });
    expect(recallSelection(storage, "c2")).toEqual({ "": "x" });
  });

  it("forgets a conversation given an empty selection", () => {
    const storage = memoryStorage();
    rememberSelection(storage, "c1", { "": "m1" });
    rememberSelection(storage, "c1", {});
    expect(storage.items.get(BRANCH_MEMORY_KEY)).toBe("[]");
  });

  it(`keeps the ${MAX_REMEMBERED_CONVERSATIONS} most recently changed conversations`, () => {
    const storage = memoryStorage();
    for (let i = 0; i <= MAX_REMEMBERED_CONVERSATIONS; i++) rememberSelection(storage, `c${i}`, { "": "m" });
    expect(recallSelection(storage, "c0")).toEqual({});
    expect(recallSelection(storage, "c1")).toEqual({ "": "m" });
    expect(recallSelection(storage, `c${MAX_REMEMBERED_CONVERSATIONS}`)).toEqual({ "": "m" });
    expect(JSON.parse(storage.items.get(BRANCH_MEMORY_KEY) ?? "")).toHaveLength(MAX_REMEMBERED_CONVERSATIONS);
  });

  it("starts afresh from unreadable memory, and copes without storage", () => {
    const storage = memoryStorage();
    storage.items.set(BRANCH_MEMORY_KEY, "{not json");
    expect(recallSelection(storage, "c1")).toEqual({});
    storage.items.set(BRANCH_MEMORY_KEY, JSON.stringify({ c1: 3 }));
    expect(recallSelection(storage, "c1")).toEqual({});
    expect(rememberSelection(storage, "c1", { "": "m1" })).toBe(true);
    expect(recallSelection(storage, "c1")).toEqual({ "": "m1" });
    expect(recallSelection(null, "c1")).toEqual({});
    expect(rememberSelection(null, "c1", { "": "m1" })).toBe(false);
  });
});
