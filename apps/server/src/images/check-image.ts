// The gate every client image passes (upload, data URL, remote URL, multipart): size in bytes, a known
// format, and a pixel count read from the header. Full decoding is the engine's job.
import { invalidRequest } from "../errors.ts";
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS } from "../limits.ts";
import { plainBytes } from "./bytes.ts";
import { pngChunksIntact } from "./png-chunks.ts";
import { type ImageHeader, sniffImage } from "./sniff.ts";

export interface CheckedImage extends ImageHeader {
  bytes: Uint8Array<ArrayBuffer>;
}

export const IMAGE_MEDIA_TYPES = { png: "image/png", jpeg: "image/jpeg", webp: "image/webp" } as const;

export function checkImage(bytes: Uint8Array, param: string): CheckedImage {
  if (bytes.length === 0) throw invalidRequest("The image is empty.", { param, code: "invalid_image" });
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw invalidRequest(`The image is ${bytes.length} bytes; the limit is ${MAX_IMAGE_BYTES}.`, {
      param,
      code: "image_too_large",
    });
  }
  const header = sniffImage(bytes);
  if (!header) {
    throw invalidRequest("The image is not a readable PNG, JPEG or WebP file.", {
      param,
      code: "invalid_image",
    });
  }
  if (header.width * header.height > MAX_IMAGE_PIXELS) {
    throw invalidRequest(
      `The image is ${header.width}x${header.height} pixels; the limit is ${MAX_IMAGE_PIXELS} pixels.`,
      { param, code: "image_too_large" },
    );
  }
  if (header.format === "png" && !pngChunksIntact(bytes)) {
    throw invalidRequest("The PNG image is truncated or corrupt.", { param, code: "invalid_image" });
  }
  return { ...header, bytes: plainBytes(bytes) };
}
