import { z } from "zod";
import { idSchema, storableTextSchema } from "../input.ts";
import {
  MAX_PARTS_PER_MESSAGE,
  MAX_SAMPLER_NAME_LENGTH,
  MAX_TEXT_PART_LENGTH,
  MAX_USAGE_ENTRIES,
} from "../limits.ts";

// The shapes of the jsonb columns. Parts are stored exactly as the app API speaks them, so the server
// passes them through without renaming.

export const textPartSchema = z.strictObject({
  type: z.literal("text"),
  text: storableTextSchema.max(MAX_TEXT_PART_LENGTH),
});
export const imagePartSchema = z.strictObject({ type: z.literal("image"), image_id: idSchema });
export const partSchema = z.discriminatedUnion("type", [textPartSchema, imagePartSchema]);
export const contentSchema = z.array(partSchema).max(MAX_PARTS_PER_MESSAGE);

export type TextPart = z.infer<typeof textPartSchema>;
export type ImagePart = z.infer<typeof imagePartSchema>;
export type Part = z.infer<typeof partSchema>;

/** How a generated or edited image was sampled, so it can be reproduced. */
export const imageSettingsSchema = z.strictObject({
  seed: z.int().min(0),
  steps: z.int().positive(),
  guidance: z.number().finite(),
  sampler: storableTextSchema.min(1).max(MAX_SAMPLER_NAME_LENGTH),
});
export type ImageSettings = z.infer<typeof imageSettingsSchema>;

/** Counters of one turn (tokens, steps, milliseconds): open-ended names, bounded count. */
export const usageSchema = z
  .record(z.string().min(1).max(64), z.number().finite().min(0))
  .refine((usage) => Object.keys(usage).length <= MAX_USAGE_ENTRIES, {
    message: `at most ${MAX_USAGE_ENTRIES} entries`,
  });
export type Usage = z.infer<typeof usageSchema>;

export function imageIdsOf(content: readonly Part[]): string[] {
  return [...new Set(content.flatMap((part) => (part.type === "image" ? [part.image_id] : [])))];
}
