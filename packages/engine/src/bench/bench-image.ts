// The benchmark's input image: a red disc on white, drawn here so the workload needs no files.
import sharp from "sharp";

export async function benchImage(size: number): Promise<Uint8Array> {
  const raw = Buffer.alloc(size * size * 3, 255);
  const centre = (size - 1) / 2;
  const radius = size / 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if ((x - centre) ** 2 + (y - centre) ** 2 <= radius ** 2) {
        // (y, x) -> HWC offset; green and blue off makes the disc red.
        raw[3 * (y * size + x) + 1] = 0;
        raw[3 * (y * size + x) + 2] = 0;
      }
    }
  }
  const png = await sharp(raw, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
