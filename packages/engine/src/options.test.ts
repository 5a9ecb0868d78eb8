import { describe, expect, it } from "vitest";
import { EngineError } from "./errors.ts";
import {
  MAX_CONTENT_PARTS,
  MAX_IMAGES_PER_CONVERSATION,
  MAX_MESSAGES,
  MAX_NEW_TOKENS,
  MAX_SEED,
  MAX_STEPS,
  MAX_STOP_SEQUENCE_CHARS,
  MAX_STOP_SEQUENCES,
  MAX_TEXT_CHARS,
} from "./limits.ts";
import {
  EditOptionsSchema,
  ImageOptionsSchema,
  InstructionSchema,
  MessagesSchema,
  parseArgument,
  TextOptionsSchema,
} from "./options.ts";

function rejects(schema: Parameters<typeof parseArgument>[0], value: unknown, field: RegExp): void {
  let error: unknown;
  try {
    parseArgument(schema, value, "x");
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe("invalid_argument");
  expect((error as EngineError).message).toMatch(field);
}

const image = new Uint8Array([1, 2, 3]);

describe("text options", () => {
  it("accepts the documented ranges", () => {
    const options = {
      maxNewTokens: MAX_NEW_TOKENS,
      temperature: 2,
      topP: 1,
      topK: 0,
      seed: MAX_SEED,
      stop: ["\n"],
    };
    expect(parseArgument(TextOptionsSchema, options, "text options")).toEqual(options);
    expect(
      parseArgument(TextOptionsSchema, { signal: new AbortController().signal }, "t").signal,
    ).toBeDefined();
  });

  it.each([
    [{ temperature: 2.1 }, /temperature/],
    [{ temperature: -0.1 }, /temperature/],
    [{ topP: 0 }, /topP/],
    [{ topP: 1.5 }, /topP/],
    [{ topK: 1.5 }, /topK/],
    [{ topK: -1 }, /topK/],
    [{ maxNewTokens: 0 }, /maxNewTokens/],
    [{ maxNewTokens: MAX_NEW_TOKENS + 1 }, /maxNewTokens/],
    [{ seed: -1 }, /seed/],
    [{ seed: 0.5 }, /seed/],
    [{ stop: Array(MAX_STOP_SEQUENCES + 1).fill("x") }, /stop/],
    [{ stop: [""] }, /stop\.0/],
    [{ stop: ["x".repeat(MAX_STOP_SEQUENCE_CHARS + 1)] }, /stop\.0/],
    [{ signal: "soon" }, /signal/],
  ])("rejects %j", (options, field) => rejects(TextOptionsSchema, options, field));
});

describe("image options", () => {
  it.each([
    [{ steps: 0 }, /steps/],
    [{ steps: MAX_STEPS + 1 }, /steps/],
    [{ guidance: -1 }, /guidance/],
    [{ sampler: "ddim" }, /sampler/],
    [{ onProgress: 3 }, /onProgress/],
  ])("rejects %j", (options, field) => rejects(ImageOptionsSchema, options, field));

  it("checks an edit mask is image bytes", () => {
    rejects(EditOptionsSchema, { mask: "mask.png" }, /mask/);
    expect(parseArgument(EditOptionsSchema, { mask: image, steps: 2 }, "e")).toEqual({
      mask: image,
      steps: 2,
    });
  });
});

describe("instructions and messages", () => {
  it("rejects empty or oversized prompts", () => {
    rejects(InstructionSchema, "   ", /empty/);
    rejects(InstructionSchema, "x".repeat(MAX_TEXT_CHARS + 1), /x/);
  });

  it("accepts strings and parts, keeping image bytes as given", () => {
    const messages = [
      {
        role: "user",
        content: [
          { type: "image", image },
          { type: "text", text: "hi" },
        ],
      },
    ];
    const parsed = parseArgument(MessagesSchema, messages, "messages");
    expect(parsed[0]?.content[0]).toEqual({ type: "image", image });
  });

  it.each([
    [[], /expected array to have >=1/],
    [[{ role: "tool", content: "x" }], /0\.role/],
    [Array(MAX_MESSAGES + 1).fill({ role: "user", content: "x" }), /expected array to have <=/],
    [[{ role: "user", content: "x".repeat(MAX_TEXT_CHARS + 1) }], /0\.content/],
    [
      [{ role: "user", content: Array(MAX_CONTENT_PARTS + 1).fill({ type: "text", text: "x" }) }],
      /0\.content/,
    ],
    [[{ role: "user", content: [{ type: "image", image: "a.png" }] }], /0\.content/],
    [[{ role: "user", content: [{ type: "audio" }] }], /0\.content/],
    [
      [{ role: "user", content: Array(MAX_IMAGES_PER_CONVERSATION + 1).fill({ type: "image", image }) }],
      /images per conversation/,
    ],
  ])("rejects %#", (messages, field) => rejects(MessagesSchema, messages, field));
});
