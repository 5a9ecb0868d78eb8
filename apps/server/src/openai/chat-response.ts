// Chat completion objects and stream chunks, shaped as the official clients parse them. Images ride in
// `message.images` / `delta.images`; `unilip_route` and `unilip_progress` are extra fields the official
// clients ignore and this project's UI reads.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { routeSchema } from "../schemas/common.ts";
import type { TurnResult } from "../turn/types.ts";

export const imageOutputSchema = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string() }),
});

export const usageSchema = z.object({
  prompt_tokens: z.int(),
  completion_tokens: z.int(),
  total_tokens: z.int(),
});

const finishReasonSchema = z.enum(["stop", "length"]);

export const chatCompletionSchema = z.object({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: z.int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.int(),
      message: z.object({
        role: z.literal("assistant"),
        content: z.string(),
        refusal: z.null(),
        images: z.array(imageOutputSchema).optional(),
      }),
      finish_reason: finishReasonSchema,
      logprobs: z.null(),
    }),
  ),
  usage: usageSchema,
  unilip_route: routeSchema,
});
export type ChatCompletion = z.infer<typeof chatCompletionSchema>;

export const chatCompletionChunkSchema = z.object({
  id: z.string(),
  object: z.literal("chat.completion.chunk"),
  created: z.int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.int(),
      delta: z.object({
        role: z.literal("assistant").optional(),
        content: z.string().optional(),
        images: z.array(imageOutputSchema).optional(),
      }),
      finish_reason: finishReasonSchema.nullable(),
      logprobs: z.null(),
    }),
  ),
  usage: usageSchema.nullable().optional(),
  unilip_route: routeSchema.optional(),
  unilip_progress: z.object({ step: z.int(), total: z.int() }).optional(),
});
export type ChatCompletionChunk = z.infer<typeof chatCompletionChunkSchema>;
type Delta = ChatCompletionChunk["choices"][number]["delta"];

export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

export function newCompletionMeta(model: string): CompletionMeta {
  return { id: `chatcmpl-${randomBytes(12).toString("hex")}`, created: Math.floor(Date.now() / 1000), model };
}

export function pngDataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
}

export function usageOf(result: TurnResult): z.infer<typeof usageSchema> {
  const [prompt, completion] =
    result.type === "text" ? [result.promptTokens, result.completionTokens] : [0, 0];
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** "cancelled" never reaches a client that is still listening; it reads as an ordinary stop. */
export function finishReasonOf(result: TurnResult): "stop" | "length" {
  return result.type === "text" && result.finishReason === "length" ? "length" : "stop";
}

export function chatCompletion(meta: CompletionMeta, result: TurnResult): ChatCompletion {
  const images =
    result.type === "image"
      ? [{ type: "image_url" as const, image_url: { url: pngDataUrl(result.image.png) } }]
      : undefined;
  return {
    ...meta,
    object: "chat.completion",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: result.type === "text" ? result.text : "",
          refusal: null,
          images,
        },
        finish_reason: finishReasonOf(result),
        logprobs: null,
      },
    ],
    usage: usageOf(result),
    unilip_route: result.route,
  };
}

export function chatChunk(
  meta: CompletionMeta,
  delta: Delta,
  extra: Partial<Pick<ChatCompletionChunk, "unilip_route" | "unilip_progress">> & {
    finishReason?: "stop" | "length";
  } = {},
): ChatCompletionChunk {
  const { finishReason, ...fields } = extra;
  return {
    ...meta,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: finishReason ?? null, logprobs: null }],
    ...fields,
  };
}

/** The extra chunk `stream_options.include_usage` asks for: no choices, only usage. */
export function usageChunk(meta: CompletionMeta, result: TurnResult): ChatCompletionChunk {
  return { ...meta, object: "chat.completion.chunk", choices: [], usage: usageOf(result) };
}
