// Text -> image: the (null, cond) condition from the generate templates, then sampling.
import type { LoadedPackage } from "../package/types.ts";
import { fillTemplate } from "../text/normalize-text.ts";
import type { ImageOptions, ImageResult } from "../types.ts";
import { buildCondition } from "./condition.ts";
import { type SamplingOverrides, samplePixels } from "./sample.ts";
import { imageResult, resolveSampling, throwIfAborted } from "./sampling-options.ts";

export async function generateImage(
  pkg: LoadedPackage,
  prompt: string,
  options: ImageOptions = {},
  overrides: SamplingOverrides = {},
): Promise<ImageResult> {
  const settings = resolveSampling(pkg, options, "generate");
  throwIfAborted(options.signal);
  const { templates } = pkg.manifest;
  const condition = await buildCondition(pkg, {
    userTexts: [templates.generate_null, fillTemplate(pkg, templates.generate, "{prompt}", prompt)],
  });
  return imageResult(pkg, await samplePixels(pkg, condition, settings, options, overrides), settings);
}
