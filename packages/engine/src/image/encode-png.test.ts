import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import { decodeImage } from "./decode-image.ts";
import { encodePng } from "./encode-png.ts";

const SIZE = 4;

/** A SIZE x SIZE image whose pixel (y, x) has channels (16x, 16y, 200). */
function gradient(): Float32Array {
  const plane = SIZE * SIZE;
  const pixels = new Float32Array(3 * plane);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      pixels[y * SIZE + x] = (16 * x) / 255;
      pixels[plane + y * SIZE + x] = (16 * y) / 255;
      pixels[2 * plane + y * SIZE + x] = 200 / 255;
    }
  }
  return pixels;
}

describe("encodePng", () => {
  it("round-trips exact 8-bit pixels through PNG at the same size", async () => {
    const pixels = gradient();
    const png = await encodePng(pixels, SIZE);
    expect((await sharp(png).metadata()).format).toBe("png");
    const back = await decodeImage(png, SIZE);
    expect(back.length).toBe(pixels.length);
    for (const [i, value] of back.entries()) expect(value).toBeCloseTo(pixels[i] as number, 6);
  });

  it("clamps out-of-range and NaN values", async () => {
    const pixels = new Float32Array(3).fill(2);
    pixels[1] = -1;
    pixels[2] = Number.NaN;
    expect([...(await decodeImage(await encodePng(pixels, 1), 1))]).toEqual([1, 0, 0]);
  });

  it("rejects a pixel buffer of the wrong length", async () => {
    await expect(encodePng(new Float32Array(5), 2)).rejects.toThrow(EngineError);
    await expect(encodePng(new Float32Array(5), 2)).rejects.toMatchObject({ code: "invalid_argument" });
  });
});
