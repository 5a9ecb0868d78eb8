// App API request bodies (docs/app-api.md), validated at the edge.
import { partSchema, storableTextSchema } from "@unilip/db";
import { z } from "zod";
import { MAX_IMAGES_PER_REQUEST, MAX_PARTS, MAX_PROMPT_CHARS, MAX_TITLE_CHARS } from "../limits.ts";
import {
  guidanceSchema,
  maxTokensSchema,
  routeChoiceSchema,
  SAMPLERS,
  seedSchema,
  stepsSchema,
  temperatureSchema,
} from "../schemas/common.ts";

const titleSchema = storableTextSchema.trim().min(1).max(MAX_TITLE_CHARS);

export const createConversationSchema = z.object({ title: titleSchema.optional() });
export const renameConversationSchema = z.object({ title: titleSchema });

export const turnSettingsSchema = z.object({
  steps: stepsSchema.optional(),
  guidance: guidanceSchema.optional(),
  seed: seedSchema.optional(),
  sampler: z.enum(SAMPLERS).optional(),
  max_tokens: maxTokensSchema.optional(),
  temperature: temperatureSchema.optional(),
});
export type TurnSettings = z.infer<typeof turnSettingsSchema>;

export const contentSchema = z
  .array(partSchema)
  .min(1)
  .max(MAX_PARTS)
  .superRefine((parts, ctx) => {
    const chars = parts.reduce((n, part) => n + (part.type === "text" ? part.text.length : 0), 0);
    const images = parts.filter((part) => part.type === "image").length;
    if (chars > MAX_PROMPT_CHARS) {
      ctx.addIssue({ code: "custom", message: `At most ${MAX_PROMPT_CHARS} characters of text.` });
    }
    if (images > MAX_IMAGES_PER_REQUEST) {
      ctx.addIssue({ code: "custom", message: `At most ${MAX_IMAGES_PER_REQUEST} images.` });
    }
  });

export const postMessageSchema = z.object({
  parent_id: z.string().min(1).nullable(),
  content: contentSchema,
  route: routeChoiceSchema.optional(),
  /** The image an edit starts from; the latest image of the conversation path when absent. */
  edit_image_id: z.string().min(1).optional(),
  settings: turnSettingsSchema.optional(),
});
export type PostMessage = z.infer<typeof postMessageSchema>;

export const regenerateSchema = z.object({
  route: routeChoiceSchema.optional(),
  settings: turnSettingsSchema.optional(),
});

export const uploadSchema = z.object({ file: z.instanceof(File, { error: "file must be an image file" }) });
