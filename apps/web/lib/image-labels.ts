// Words the UI shows about an image.
import type { ImageMeta } from "./api-types.ts";

export const IMAGE_SOURCE_LABELS: Record<ImageMeta["source"], string> = {
  upload: "Uploaded image",
  generated: "Generated image",
  edited: "Edited image",
};

/** The line under a generated or edited image: its seed and sampler settings; null for uploads. */
export function settingsCaption(image: Pick<ImageMeta, "settings">): string | null {
  if (!image.settings) return null;
  const { seed, steps, guidance, sampler } = image.settings;
  return `seed ${seed} · ${steps} steps · guidance ${guidance} · ${sampler}`;
}
