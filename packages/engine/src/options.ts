// zod schemas for everything a caller hands the engine: messages and per-call options. Parsed once at
// the engine's edge; a failure is an EngineError "invalid_argument" naming the field.
import { z } from "zod";
import { EngineError } from "./errors.ts";
import {
  MAX_CONTENT_PARTS,
  MAX_GUIDANCE,
  MAX_IMAGE_BYTES,
  MAX_IMAGES_PER_CONVERSATION,
  MAX_MESSAGES,
  MAX_NEW_TOKENS,
  MAX_SEED,
  MAX_STEPS,
  MAX_STOP_SEQUENCE_CHARS,
  MAX_STOP_SEQUENCES,
  MAX_TEMPERATURE,
  MAX_TEXT_CHARS,
} from "./limits.ts";
import type { ChatMessage, ProgressEvent } from "./types.ts";

const seed = z.number().int().min(0).max(MAX_SEED);
const signal = z.instanceof(AbortSignal).optional();
/** Encoded image bytes (PNG/JPEG/WebP); a string here would be read as a file path by sharp. */
export const ImageBytesSchema = z
  .instanceof(Uint8Array)
  .refine(
    (bytes) => bytes.length > 0 && bytes.length <= MAX_IMAGE_BYTES,
    `must be 1..${MAX_IMAGE_BYTES} bytes`,
  );
const text = z.string().max(MAX_TEXT_CHARS);
/** A prompt or instruction: something to act on, within the text limit. */
export const InstructionSchema = text.refine((value) => value.trim().length > 0, "must not be empty");

const ContentPartSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text }),
  z.object({ type: z.literal("image"), image: ImageBytesSchema }),
]);

export const MessagesSchema = z
  .array(
    z.object({
      role: z.enum(["system", "user", "assistant"]),
      content: z.union([text, z.array(ContentPartSchema).max(MAX_CONTENT_PARTS)]),
    }),
  )
  .min(1)
  .max(MAX_MESSAGES)
  .refine(
    (messages) => countImages(messages) <= MAX_IMAGES_PER_CONVERSATION,
    `at most ${MAX_IMAGES_PER_CONVERSATION} images per conversation`,
  );

export const TextOptionsSchema = z.object({
  maxNewTokens: z.number().int().min(1).max(MAX_NEW_TOKENS).optional(),
  temperature: z.number().min(0).max(MAX_TEMPERATURE).optional(),
  topP: z.number().gt(0).max(1).optional(),
  topK: z.number().int().min(0).optional(),
  seed: seed.optional(),
  stop: z.array(z.string().min(1).max(MAX_STOP_SEQUENCE_CHARS)).max(MAX_STOP_SEQUENCES).optional(),
  ignoreEos: z.boolean().optional(),
  signal,
});

export const ImageOptionsSchema = z.object({
  steps: z.number().int().min(1).max(MAX_STEPS).optional(),
  guidance: z.number().min(0).max(MAX_GUIDANCE).optional(),
  seed: seed.optional(),
  sampler: z.enum(["dpm-solver++2m", "flow-euler"]).optional(),
  previewEvery: z.number().int().min(0).max(MAX_STEPS).optional(),
  signal,
  onProgress: z.custom<(event: ProgressEvent) => void>((value) => typeof value === "function").optional(),
});

export const EditOptionsSchema = ImageOptionsSchema.extend({ mask: ImageBytesSchema.optional() });

export const RouteOptionsSchema = z.object({
  override: z.enum(["understand", "generate", "edit"]).optional(),
  referenceImageIndex: z.number().int().min(0).optional(),
  signal,
});

export function countImages(messages: readonly { content: ChatMessage["content"] }[]): number {
  return messages.reduce(
    (n, message) =>
      typeof message.content === "string"
        ? n
        : n + message.content.filter((part) => part.type === "image").length,
    0,
  );
}

/** Parses `value` or throws EngineError "invalid_argument" listing each bad field. */
export function parseArgument<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => {
    const path = issue.path.join(".");
    return path.length > 0 ? `${path}: ${issue.message}` : issue.message;
  });
  throw new EngineError("invalid_argument", `invalid ${what}: ${issues.join("; ")}`, { cause: parsed.error });
}
