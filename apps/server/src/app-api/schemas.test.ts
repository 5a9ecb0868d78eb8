import { describe, expect, it } from "vitest";
import { MAX_IMAGES_PER_REQUEST, MAX_PARTS, MAX_PROMPT_CHARS, MAX_TITLE_CHARS } from "../limits.ts";
import { parseWith } from "../validate.ts";
import { createConversationSchema, postMessageSchema } from "./schemas.ts";

const text = (t: string) => ({ type: "text", text: t });
const message = (content: unknown[]) => ({ parent_id: null, content });

describe("App API schemas", () => {
  it("bounds titles", () => {
    expect(parseWith(createConversationSchema, { title: "  Shapes  " }).title).toBe("Shapes");
    expect(() => parseWith(createConversationSchema, { title: "x".repeat(MAX_TITLE_CHARS + 1) })).toThrow(
      expect.objectContaining({ param: "title" }),
    );
    expect(() => parseWith(createConversationSchema, { title: "a\u0000b" })).toThrow(
      expect.objectContaining({ param: "title" }),
    );
  });

  it("bounds a message's parts, text and images", () => {
    expect(parseWith(postMessageSchema, message([text("hi")])).route).toBeUndefined();
    const refusals = [
      message([]),
      message(Array(MAX_PARTS + 1).fill(text("a"))),
      message([text("x".repeat(MAX_PROMPT_CHARS + 1))]),
      message([text("a\u0000b")]),
      message(Array(MAX_IMAGES_PER_REQUEST + 1).fill({ type: "image", image_id: "img_1" })),
      { ...message([text("hi")]), route: "paint" },
      { ...message([text("hi")]), settings: { steps: 0 } },
    ];
    for (const body of refusals) expect(() => parseWith(postMessageSchema, body)).toThrow();
  });
});
