import { describe, expect, it } from "vitest";
import { makePng } from "../testing/png.ts";
import type { TurnResult } from "../turn/types.ts";
import {
  chatChunk,
  chatCompletion,
  chatCompletionChunkSchema,
  chatCompletionSchema,
  newCompletionMeta,
  usageChunk,
} from "./chat-response.ts";

const text: TurnResult = {
  type: "text",
  route: "understand",
  text: "Two circles.",
  finishReason: "length",
  promptTokens: 7,
  completionTokens: 3,
};
const image: TurnResult = {
  type: "image",
  route: "edit",
  image: { png: makePng(2, 2), width: 2, height: 2, seed: 1, steps: 2, guidance: 4.5, sampler: "flow-euler" },
  sourceImageIndex: 0,
};

describe("chat responses", () => {
  const meta = newCompletionMeta("tiny");

  it("builds completions that match the documented schema", () => {
    const answer = chatCompletion(meta, text);
    expect(chatCompletionSchema.parse(answer)).toEqual(answer);
    expect(answer.choices[0]).toMatchObject({
      message: { content: "Two circles." },
      finish_reason: "length",
    });
    expect(answer.usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });

    const drawn = chatCompletion(meta, image);
    expect(chatCompletionSchema.parse(drawn)).toEqual(drawn);
    expect(drawn.choices[0]?.message.images?.[0]?.image_url.url).toMatch(/^data:image\/png;base64,/);
    expect(drawn.unilip_route).toBe("edit");
  });

  it("builds chunks and a usage-only chunk", () => {
    const progress = chatChunk(meta, { content: "" }, { unilip_progress: { step: 1, total: 2 } });
    expect(chatCompletionChunkSchema.parse(progress)).toEqual(progress);
    expect(progress.choices[0]?.finish_reason).toBeNull();
    const last = chatChunk(meta, {}, { finishReason: "stop" });
    expect(last.choices[0]?.finish_reason).toBe("stop");
    const usage = usageChunk(meta, text);
    expect(usage.choices).toEqual([]);
    expect(usage.usage?.total_tokens).toBe(10);
    expect(meta.id).toMatch(/^chatcmpl-[0-9a-f]{24}$/);
  });
});
