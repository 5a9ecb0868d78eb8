// Graph pixels -> PNG bytes. The pixel decoder's output is only "about" [0, 1], so values are clamped.
import sharp from "sharp";
import { EngineError } from "../errors.ts";

/** Encodes float RGB [3, size, size] as an 8-bit PNG. */
export async function encodePng(pixels: Float32Array, size: number): Promise<Uint8Array> {
  const plane = size * size;
  if (!Number.isInteger(size) || size <= 0 || pixels.length !== 3 * plane) {
    throw new EngineError(
      "invalid_argument",
      `expected ${3 * plane} pixel values for a ${size}x${size} RGB image, got ${pixels.length}`,
    );
  }
  const raw = Buffer.alloc(3 * plane);
  // CHW floats -> HWC bytes: (3, S, S) -> (S, S, 3)
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++) {
      const value = pixels[c * plane + i] as number;
      const clamped = Number.isNaN(value) ? 0 : Math.min(1, Math.max(0, value));
      raw[3 * i + c] = Math.round(clamped * 255);
    }
  }
  const png = await sharp(raw, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
