// Image + instruction -> image: the source's features condition the DiT twice (dual condition);
// an optional mask keeps the source's pixels where the edit must not reach.
import { decodeImage } from "../image/decode-image.ts";
import { encodeImages } from "../image/encode-images.ts";
import type { LoadedPackage } from "../package/types.ts";
import { fillTemplate } from "../text/normalize-text.ts";
import type { EditOptions, ImageResult } from "../types.ts";
import { buildCondition } from "./condition.ts";
import { blendWithMask, decodeMask } from "./mask.ts";
import { type SamplingOverrides, samplePixels } from "./sample.ts";
import { imageResult, resolveSampling, throwIfAborted } from "./sampling-options.ts";

export async function editImage(
  pkg: LoadedPackage,
  image: Uint8Array,
  instruction: string,
  options: EditOptions = {},
  overrides: SamplingOverrides = {},
): Promise<ImageResult> {
  const settings = resolveSampling(pkg, options, "edit");
  const size = pkg.manifest.image.size;
  const source = await decodeImage(image, size);
  const weights = options.mask === undefined ? undefined : await decodeMask(options.mask, image, size);
  throwIfAborted(options.signal);

  const encoded = await encodeImages(pkg, [source]);
  const { templates } = pkg.manifest;
  const condition = await buildCondition(pkg, {
    userTexts: [templates.edit_null, fillTemplate(pkg, templates.edit, "{instruction}", instruction)],
    image: { features: encoded.features.data as Float32Array, tokens: encoded.tokens.data as Float32Array },
  });
  const edited = await samplePixels(pkg, condition, settings, options, overrides);
  const pixels = weights === undefined ? edited : blendWithMask(edited, source, weights);
  return imageResult(pkg, pixels, settings);
}
