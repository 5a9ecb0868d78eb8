// The OpenAI Images API requests this server honours. `size` exists for compatibility: the model draws
// at one size, so anything else is refused rather than silently resized.
import { storableTextSchema } from "@unilip/db";
import { z } from "zod";
import { MAX_N, MAX_PROMPT_CHARS } from "../limits.ts";
import { imageSettingsSchema } from "../schemas/common.ts";

const nSchema = z
  .int()
  .min(1)
  .max(MAX_N, { error: `n must be ${MAX_N}: this server returns one image per request.` });

export const imageRequestFields = {
  // The prompt is stored as the image's instruction when the answer is a URL.
  prompt: storableTextSchema.trim().min(1).max(MAX_PROMPT_CHARS),
  model: z.string().min(1).optional(),
  size: z.string().optional(),
  response_format: z.enum(["b64_json", "url"]).default("b64_json"),
};

export const imageGenerationRequestSchema = z.object({
  ...imageRequestFields,
  n: nSchema.optional(),
  ...imageSettingsSchema.shape,
});
export type ImageGenerationRequest = z.infer<typeof imageGenerationRequestSchema>;

const file = z.instanceof(File, { error: "must be a file" });

/**
 * Multipart fields arrive as strings; numbers are coerced, files must be files. The SDKs send one image
 * as `image` and lists as `image[]`; either way exactly one image is edited.
 */
export const imageEditRequestSchema = z
  .object({
    ...imageRequestFields,
    image: z.union([file, z.array(file)]).optional(),
    "image[]": z.array(file).optional(),
    mask: file.optional(),
    n: z.coerce.number().pipe(nSchema).optional(),
    steps: z.coerce.number().pipe(imageSettingsSchema.shape.steps.unwrap()).optional(),
    guidance: z.coerce.number().pipe(imageSettingsSchema.shape.guidance.unwrap()).optional(),
    seed: z.coerce.number().pipe(imageSettingsSchema.shape.seed.unwrap()).optional(),
    sampler: imageSettingsSchema.shape.sampler,
  })
  .transform(({ "image[]": list, image, ...rest }, ctx) => {
    const files = [image ?? [], list ?? []].flat();
    const [first] = files;
    if (!first || files.length > 1) {
      ctx.addIssue({
        code: "custom",
        path: ["image"],
        message: first ? "Exactly one image can be edited at a time." : "An image file is required.",
      });
      return z.NEVER;
    }
    return { ...rest, image: first };
  });
export type ImageEditRequest = z.infer<typeof imageEditRequestSchema>;

export const imagesResponseSchema = z.object({
  created: z.int(),
  data: z.array(z.object({ b64_json: z.string().optional(), url: z.string().optional() })),
  output_format: z.literal("png"),
  size: z.string(),
});
export type ImagesResponse = z.infer<typeof imagesResponseSchema>;
