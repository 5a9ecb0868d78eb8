// Turns untrusted image bytes into the graphs' input layout. Every way an image can be bad ends as
// EngineError "invalid_image" (see read-image.ts).
import { EngineError } from "../errors.ts";
import { readImage } from "./read-image.ts";

/**
 * Decodes to RGB float32 [3, size, size] in [0, 1], stretched to the square (sharp fit "fill"), upright
 * by its EXIF orientation as a viewer shows it: a phone photo must not reach the model on its side.
 */
export async function decodeImage(bytes: Uint8Array, size: number): Promise<Float32Array> {
  const raw = await readImage(bytes, (image) =>
    image
      .autoOrient()
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace("srgb")
      .resize(size, size, { fit: "fill" })
      .raw()
      .toBuffer(),
  );
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
