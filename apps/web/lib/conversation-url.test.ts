import { describe, expect, it } from "vitest";
import { conversationIdFromSearch, searchForConversation } from "./conversation-url.ts";

describe("conversation URL", () => {
  it("round-trips ids, including ones that need escaping", () => {
    for (const id of ["c_123", "a b&c=d"]) {
      expect(conversationIdFromSearch(searchForConversation(id))).toBe(id);
    }
  });

  it("has no conversation without the parameter or with an empty one", () => {
    expect(conversationIdFromSearch("")).toBeNull();
    expect(conversationIdFromSearch("?c=")).toBeNull();
    expect(searchForConversation(null)).toBe("");
  });
});
