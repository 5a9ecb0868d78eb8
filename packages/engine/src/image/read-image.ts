// What every reader of untrusted image bytes shares: the size, format and pixel limits checked from the
// header before anything is decompressed, then one decode whose failure is EngineError "invalid_image".
import sharp, { type Metadata, type Sharp } from "sharp";
import { EngineError } from "../errors.ts";
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS } from "../limits.ts";

/** Formats the public API promises; sharp reads more (SVG, TIFF, ...) but those are not accepted. */
export const SUPPORTED_IMAGE_FORMATS: readonly string[] = ["png", "jpeg", "webp"];

/**
 * Checks `bytes` against the limits from the header alone, then runs `pipeline` on a sharp instance that
 * also refuses more than MAX_IMAGE_PIXELS. Every way the image can be bad (too big, corrupt, an
 * unsupported format, a decompression bomb) ends as EngineError "invalid_image".
 */
export async function readImage<T>(bytes: Uint8Array, pipeline: (image: Sharp) => Promise<T>): Promise<T> {
  await checkImageHeader(bytes);
  try {
    return await pipeline(sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: "error" }));
  } catch (cause) {
    throw new EngineError("invalid_image", "image is corrupt", { cause });
  }
}

async function checkImageHeader(bytes: Uint8Array): Promise<void> {
  if (bytes.length === 0) throw new EngineError("invalid_image", "image is empty");
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw new EngineError("invalid_image", `image is ${bytes.length} bytes; the limit is ${MAX_IMAGE_BYTES}`);
  }
  // Only the header is read here; the pixel limit is checked before anything is decompressed.
  let header: Metadata;
  try {
    header = await sharp(bytes).metadata();
  } catch (cause) {
    throw new EngineError("invalid_image", "image could not be read (corrupt or unknown format)", { cause });
  }
  const { format, width, height } = header;
  if (!SUPPORTED_IMAGE_FORMATS.includes(format)) {
    throw new EngineError(
      "invalid_image",
      `image format ${format} is not supported (use ${SUPPORTED_IMAGE_FORMATS.join(", ")})`,
    );
  }
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new EngineError(
      "invalid_image",
      `image has too many pixels (${width}x${height}; limit ${MAX_IMAGE_PIXELS})`,
    );
  }
}
