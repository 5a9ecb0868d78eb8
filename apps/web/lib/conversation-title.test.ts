import { describe, expect, it } from "vitest";
import { checkTitle, MAX_TITLE_CHARS, titleFromPrompt, UNTITLED } from "./conversation-title.ts";

describe("titleFromPrompt", () => {
  it("uses the first line of the prompt", () => {
    expect(titleFromPrompt("  Draw a red circle\nabove a square")).toBe("Draw a red circle");
  });

  it("shortens long prompts to the limit without splitting a character", () => {
    const title = titleFromPrompt("🟥".repeat(MAX_TITLE_CHARS + 5));
    expect(Array.from(title)).toHaveLength(MAX_TITLE_CHARS);
    expect(title.endsWith("🟥…")).toBe(true);
  });

  it("names an image-only message", () => {
    expect(titleFromPrompt("   ")).toBe(UNTITLED);
  });
});

describe("checkTitle", () => {
  it("trims and enforces the length limit", () => {
    expect(checkTitle("  Shapes  ")).toEqual({ ok: true, title: "Shapes" });
    expect(checkTitle("")).toEqual({ ok: false, error: "A title cannot be empty." });
    expect(checkTitle("x".repeat(MAX_TITLE_CHARS + 1)).ok).toBe(false);
    expect(checkTitle("x".repeat(MAX_TITLE_CHARS)).ok).toBe(true);
  });
});
