// Decoded images -> LLM-space features through vision_encoder, remembering features of recently seen
// images (a multi-turn chat re-sends the same image every turn; an edit re-encodes its source).
// A model with cell tags also returns `image_tokens`, the tagged features its LLM reads; the latents and
// an edit's written-over condition take the bare features.
import { createHash } from "node:crypto";
import * as ort from "onnxruntime-node";
import { LruCache } from "../cache/lru-cache.ts";
import { EngineError } from "../errors.ts";
import type { LoadedPackage } from "../package/types.ts";

/** One cache per loaded package, dropped with it; entries are content-addressed so sharing is safe. */
const caches = new WeakMap<LoadedPackage, LruCache<string, EncodedRows>>();

/** One image's rows, each float32 [N*H]; `tokens` is `features` itself for a model without cell tags. */
interface EncodedRows {
  features: Float32Array;
  tokens: Float32Array;
}

/** float32 [B, N, H] each: the bare features and what the LLM reads at the image's tokens. */
export interface EncodedImages {
  features: ort.Tensor;
  tokens: ort.Tensor;
}

/** The package's cache, or undefined when it keeps none (a cold-path benchmark). */
function cacheFor(pkg: LoadedPackage): LruCache<string, EncodedRows> | undefined {
  if (pkg.encoderCacheEntries === 0) return undefined;
  let cache = caches.get(pkg);
  if (cache === undefined) {
    cache = new LruCache(pkg.encoderCacheEntries);
    caches.set(pkg, cache);
  }
  return cache;
}

/** Content key of decoded pixels: equal images share encoder features and KV prefixes. */
export function hashPixels(pixels: Float32Array): string {
  return createHash("sha256")
    .update(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength))
    .digest("hex");
}

/** Encodes images given as float32 [3, S, S] each -> features and LLM inputs, in input order. */
export async function encodeImages(pkg: LoadedPackage, images: Float32Array[]): Promise<EncodedImages> {
  const { image, vision, llm } = pkg.manifest;
  const imageLength = 3 * image.size * image.size;
  const featureLength = vision.tokens_per_image * llm.hidden_size;
  if (images.length === 0) throw new EngineError("runtime", "encodeImages needs at least one image");
  const bad = images.findIndex((pixels) => pixels.length !== imageLength);
  if (bad >= 0)
    throw new EngineError(
      "runtime",
      `image ${bad} has ${images[bad]?.length} values, expected ${imageLength}`,
    );

  const cache = cacheFor(pkg);
  const keys = images.map(hashPixels);
  const found = new Map<string, EncodedRows>();
  for (const key of keys) {
    const cached = cache?.get(key);
    if (cached !== undefined) found.set(key, cached);
  }
  const missing = [...new Set(keys.filter((key) => !found.has(key)))];
  if (missing.length > 0) {
    const batch = new Float32Array(missing.length * imageLength);
    for (const [b, key] of missing.entries()) {
      batch.set(images[keys.indexOf(key)] as Float32Array, b * imageLength);
    }
    const out = await pkg.run("vision_encoder", {
      pixel_values: new ort.Tensor("float32", batch, [missing.length, 3, image.size, image.size]),
    });
    const features = checkedOutput(out.image_features, "image_features", missing.length * featureLength);
    const tokens =
      out.image_tokens === undefined
        ? features
        : checkedOutput(out.image_tokens, "image_tokens", missing.length * featureLength);
    missing.forEach((key, b) => {
      const rows = (data: Float32Array) => data.slice(b * featureLength, (b + 1) * featureLength);
      const featureRows = rows(features);
      const entry = {
        features: featureRows,
        tokens: tokens === features ? featureRows : rows(tokens),
      };
      found.set(key, entry);
      cache?.set(key, entry);
    });
  }
  const dims = [images.length, vision.tokens_per_image, llm.hidden_size];
  const gather = (part: keyof EncodedRows) => {
    const result = new Float32Array(images.length * featureLength);
    for (const [b, key] of keys.entries())
      result.set((found.get(key) as EncodedRows)[part], b * featureLength);
    return new ort.Tensor("float32", result, dims);
  };
  return { features: gather("features"), tokens: gather("tokens") };
}

function checkedOutput(tensor: ort.Tensor | undefined, name: string, length: number): Float32Array {
  if (tensor === undefined || tensor.data.length !== length) {
    throw new EngineError("runtime", `vision_encoder returned ${name} of shape [${tensor?.dims ?? "none"}]`);
  }
  return tensor.data as Float32Array;
}
