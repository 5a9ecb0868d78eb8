// Image -> UniLIP latent -> image: what the pixel decoder keeps of an image.
import { EngineError } from "../errors.ts";
import { decodeImage } from "../image/decode-image.ts";
import { encodeImages } from "../image/encode-images.ts";
import { encodePng } from "../image/encode-png.ts";
import type { LoadedPackage } from "../package/types.ts";
import type { ReconstructResult } from "../types.ts";
import { latentSize, runPixelDecoder } from "./decode-latents.ts";

export async function reconstructImage(pkg: LoadedPackage, image: Uint8Array): Promise<ReconstructResult> {
  const size = pkg.manifest.image.size;
  // The features come through encodeImages, so an image already seen in the chat is not encoded again.
  const { features } = await encodeImages(pkg, [await decodeImage(image, size)]);
  const out = await pkg.run("latent_encoder", { image_features: features });
  const latents = out.latents;
  if (latents === undefined || latents.data.length !== latentSize(pkg)) {
    throw new EngineError("runtime", `latent_encoder returned latents of shape [${latents?.dims ?? "none"}]`);
  }
  const decoded = await runPixelDecoder(pkg, latents.data as Float32Array);
  return { png: await encodePng(decoded, size), width: size, height: size };
}
