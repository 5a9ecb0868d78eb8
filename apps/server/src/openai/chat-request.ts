// The subset of the OpenAI Chat Completions request this server honours, plus `unilip` for settings the
// official API has no field for. Unknown fields are dropped, as clients send many optional ones.
import { z } from "zod";
import {
  MAX_IMAGES_PER_REQUEST,
  MAX_MESSAGES,
  MAX_N,
  MAX_PROMPT_CHARS,
  MAX_STOP_CHARS,
  MAX_STOP_SEQUENCES,
} from "../limits.ts";
import {
  imageSettingsSchema,
  maxTokensSchema,
  routeChoiceSchema,
  seedSchema,
  temperatureSchema,
} from "../schemas/common.ts";

const textPartSchema = z.object({ type: z.literal("text"), text: z.string() });
export const imageUrlPartSchema = z.object({
  type: z.literal("image_url"),
  image_url: z.object({
    url: z.string().min(1),
    detail: z.enum(["auto", "low", "high"]).optional(),
  }),
});

const systemMessageSchema = z.object({
  role: z.enum(["system", "developer"]),
  content: z.union([z.string(), z.array(textPartSchema)]),
});
const userMessageSchema = z.object({
  role: z.literal("user"),
  content: z.union([
    z.string(),
    z.array(z.discriminatedUnion("type", [textPartSchema, imageUrlPartSchema])).min(1),
  ]),
});
/** Earlier answers; `images` carries the images this server returned, so an edit can refer to them. */
const assistantMessageSchema = z.object({
  role: z.literal("assistant"),
  content: z.union([z.string(), z.array(textPartSchema), z.null()]).optional(),
  images: z.array(imageUrlPartSchema).optional(),
});

export const chatMessageSchema = z.union([systemMessageSchema, userMessageSchema, assistantMessageSchema]);
export type ChatMessageInput = z.infer<typeof chatMessageSchema>;

const stopSchema = z.string().min(1).max(MAX_STOP_CHARS);

export const chatCompletionRequestSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(chatMessageSchema).min(1).max(MAX_MESSAGES),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
    max_completion_tokens: maxTokensSchema.nullish(),
    max_tokens: maxTokensSchema.nullish(),
    temperature: temperatureSchema.nullish(),
    top_p: z.number().gt(0).max(1).nullish(),
    seed: seedSchema.nullish(),
    stop: z.union([stopSchema, z.array(stopSchema).max(MAX_STOP_SEQUENCES)]).nullish(),
    n: z
      .int()
      .min(1)
      .max(MAX_N, { error: `n must be ${MAX_N}: this server returns one choice per request.` })
      .nullish(),
    /** ["image"] forces an image answer (generate or edit), ["text"] a text answer. */
    modalities: z
      .array(z.enum(["text", "image"]))
      .min(1)
      .nullish(),
    unilip: imageSettingsSchema.extend({ route: routeChoiceSchema.optional() }).optional(),
  })
  .superRefine((request, ctx) => {
    let chars = 0;
    let images = 0;
    for (const message of request.messages) {
      const parts =
        typeof message.content === "string"
          ? [{ type: "text", text: message.content }]
          : (message.content ?? []);
      for (const part of parts) {
        if (part.type === "text" && "text" in part) chars += part.text.length;
        else images += 1;
      }
      if (message.role === "assistant") images += message.images?.length ?? 0;
    }
    if (chars > MAX_PROMPT_CHARS) {
      ctx.addIssue({
        code: "custom",
        path: ["messages"],
        message: `The messages hold ${chars} characters of text; the limit is ${MAX_PROMPT_CHARS}.`,
      });
    }
    if (images > MAX_IMAGES_PER_REQUEST) {
      ctx.addIssue({
        code: "custom",
        path: ["messages"],
        message: `The messages hold ${images} images; the limit is ${MAX_IMAGES_PER_REQUEST}.`,
      });
    }
  });

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
