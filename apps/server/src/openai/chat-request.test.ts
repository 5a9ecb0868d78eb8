import { describe, expect, it } from "vitest";
import {
  MAX_IMAGES_PER_REQUEST,
  MAX_MESSAGES,
  MAX_PROMPT_CHARS,
  MAX_STOP_SEQUENCES,
  MAX_TOKENS,
} from "../limits.ts";
import { parseWith } from "../validate.ts";
import { chatCompletionRequestSchema } from "./chat-request.ts";

const base = { model: "m", messages: [{ role: "user", content: "hi" }] };
const parse = (extra: Record<string, unknown>) =>
  parseWith(chatCompletionRequestSchema, { ...base, ...extra });
const refusal = (extra: Record<string, unknown>) => {
  try {
    parse(extra);
  } catch (error) {
    return error;
  }
  throw new Error("expected a refusal");
};
const image = { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } };

describe("chatCompletionRequestSchema", () => {
  it("accepts what the official client sends, dropping unknown fields", () => {
    const parsed = parse({
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: null,
      frequency_penalty: 0,
      messages: [
        { role: "developer", content: "be brief" },
        { role: "user", content: [{ type: "text", text: "what is this?" }, image] },
        { role: "assistant", content: null, images: [image] },
        { role: "user", content: "make it blue" },
      ],
    });
    expect(parsed.messages).toHaveLength(4);
    expect(parsed).not.toHaveProperty("frequency_penalty");
  });

  it("refuses n other than 1 with a message that says why", () => {
    expect(refusal({ n: 2 })).toMatchObject({
      status: 400,
      param: "n",
      message: expect.stringContaining("one choice"),
    });
    expect(parse({ n: 1 }).n).toBe(1);
  });

  it("enforces the token, stop, message, text and image limits", () => {
    expect(refusal({ max_completion_tokens: MAX_TOKENS + 1 })).toMatchObject({
      param: "max_completion_tokens",
    });
    expect(refusal({ max_tokens: 0 })).toMatchObject({ param: "max_tokens" });
    expect(refusal({ stop: Array(MAX_STOP_SEQUENCES + 1).fill("x") })).toMatchObject({ param: "stop" });
    expect(refusal({ messages: Array(MAX_MESSAGES + 1).fill(base.messages[0]) })).toMatchObject({
      param: "messages",
    });
    expect(
      refusal({ messages: [{ role: "user", content: "x".repeat(MAX_PROMPT_CHARS + 1) }] }),
    ).toMatchObject({
      param: "messages",
      message: expect.stringContaining(String(MAX_PROMPT_CHARS)),
    });
    const tooMany = Array(MAX_IMAGES_PER_REQUEST + 1).fill(image);
    expect(refusal({ messages: [{ role: "user", content: tooMany }] })).toMatchObject({
      param: "messages",
      message: expect.stringContaining(`limit is ${MAX_IMAGES_PER_REQUEST}`),
    });
  });

  it("refuses wrong types and unknown roles", () => {
    expect(refusal({ temperature: "hot" })).toMatchObject({ param: "temperature", code: "invalid_type" });
    expect(refusal({ messages: [{ role: "tool", content: "x" }] })).toMatchObject({ status: 400 });
    expect(refusal({ messages: [] })).toMatchObject({ param: "messages" });
  });
});
