// Decoded images -> LLM-space features through vision_encoder, remembering features of recently seen
// images (a multi-turn chat re-sends the same image every turn; an edit re-encodes its source).
import { createHash } from "node:crypto";
import * as ort from "onnxruntime-node";
import { LruCache } from "../cache/lru-cache.ts";
import { EngineError } from "../errors.ts";
import type { LoadedPackage } from "../package/types.ts";

/** One cache per loaded package, dropped with it; entries are content-addressed so sharing is safe. */
const caches = new WeakMap<LoadedPackage, LruCache<string, Float32Array>>();

/** The package's cache, or undefined when it keeps none (a cold-path benchmark). */
function cacheFor(pkg: LoadedPackage): LruCache<string, Float32Array> | undefined {
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

/** Encodes images given as float32 [3, S, S] each -> float32 [B, N, H] features, in input order. */
export async function encodeImages(pkg: LoadedPackage, images: Float32Array[]): Promise<ort.Tensor> {
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
  const found = new Map<string, Float32Array>();
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
    const features = out.image_features;
    if (features === undefined || features.data.length !== missing.length * featureLength) {
      throw new EngineError("runtime", `vision_encoder returned features of shape [${features?.dims}]`);
    }
    const data = features.data as Float32Array;
    missing.forEach((key, b) => {
      const row = data.slice(b * featureLength, (b + 1) * featureLength);
      found.set(key, row);
      cache?.set(key, row);
    });
  }
  const result = new Float32Array(images.length * featureLength);
  for (const [b, key] of keys.entries()) result.set(found.get(key) as Float32Array, b * featureLength);
  return new ort.Tensor("float32", result, [images.length, vision.tokens_per_image, llm.hidden_size]);
}
