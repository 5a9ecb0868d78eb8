// Latents -> RGB pixels through the package's pixel decoder.
import * as ort from "onnxruntime-node";
import { EngineError } from "../errors.ts";
import type { LoadedPackage } from "../package/types.ts";

/** Values in one latent, C*h*w. */
export function latentSize(pkg: LoadedPackage): number {
  const { channels, height, width } = pkg.manifest.latent;
  return channels * height * width;
}

/** Runs pixel_decoder on one unscaled latent [C*h*w] -> float32 [3*S*S], not yet clamped. */
export async function runPixelDecoder(pkg: LoadedPackage, unscaled: Float32Array): Promise<Float32Array> {
  const { latent, image } = pkg.manifest;
  const expected = latentSize(pkg);
  if (unscaled.length !== expected) {
    throw new EngineError("runtime", `pixel_decoder needs ${expected} latent values, got ${unscaled.length}`);
  }
  const out = await pkg.run("pixel_decoder", {
    latents: new ort.Tensor("float32", unscaled, [1, latent.channels, latent.height, latent.width]),
  });
  const pixels = out.pixel_values;
  if (pixels === undefined || pixels.data.length !== 3 * image.size * image.size) {
    throw new EngineError(
      "runtime",
      `pixel_decoder returned pixel_values of shape [${pixels?.dims ?? "none"}]`,
    );
  }
  return pixels.data as Float32Array;
}

/** DiT-space latents (encoder latents times the manifest's scale_factor) -> pixels. */
export function decodeLatents(pkg: LoadedPackage, ditLatents: Float32Array): Promise<Float32Array> {
  const factor = pkg.manifest.latent.scale_factor;
  return runPixelDecoder(
    pkg,
    ditLatents.map((value) => value / factor),
  );
}
