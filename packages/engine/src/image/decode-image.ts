// Turns untrusted image bytes into the graphs' input layout. Every way an image can be bad (too big,
// corrupt, an unsupported format, a decompression bomb) ends as EngineError "invalid_image".
import sharp, { type Metadata } from "sharp";
import { EngineError } from "../errors.ts";
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS } from "../limits.ts";

/** Formats the public API promises; sharp reads more (SVG, TIFF, ...) but those are not accepted. */
export const SUPPORTED_IMAGE_FORMATS: readonly string[] = ["png", "jpeg", "webp"];

/** Decodes to RGB float32 [3, size, size] in [0, 1], stretched to the square (sharp fit "fill"). */
export async function decodeImage(bytes: Uint8Array, size: number): Promise<Float32Array> {
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
  let raw: Buffer;
  try {
    raw = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: "error" })
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace("srgb")
      .resize(size, size, { fit: "fill" })
      .raw()
      .toBuffer();
  } catch (cause) {
    throw new EngineError("invalid_image", "image is corrupt", { cause });
  }
  const plane = size * size;
  const channels = raw.length / plane;
  if (channels !== 3)
    throw new EngineError("invalid_image", `image decoded to ${channels} channels, expected 3`);
  const out = new Float32Array(3 * plane);
  // HWC bytes -> CHW floats: (S, S, 3) -> (3, S, S)
  for (let i = 0; i < plane; i++) {
    out[i] = (raw[3 * i] as number) / 255;
    out[plane + i] = (raw[3 * i + 1] as number) / 255;
    out[2 * plane + i] = (raw[3 * i + 2] as number) / 255;
  }
  return out;
}
