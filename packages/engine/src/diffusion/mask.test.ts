import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import { blendWithMask, decodeMask } from "./mask.ts";

async function png(width: number, height: number, channels: 1 | 3 | 4, fill: (x: number) => number[]) {
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set(fill(x), (y * width + x) * channels);
  }
  return new Uint8Array(await sharp(raw, { raw: { width, height, channels } }).png().toBuffer());
}

describe("decodeMask", () => {
  it("reads white as 1 and black as 0, resized to the model's square", async () => {
    // Left half black, right half white.
    const mask = await png(16, 8, 1, (x) => [x < 8 ? 0 : 255]);
    const source = await png(16, 8, 3, () => [10, 20, 30]);
    const weights = await decodeMask(mask, source, 4);
    expect(weights).toHaveLength(16);
    expect(weights[0]).toBeCloseTo(0, 5);
    expect(weights[3]).toBeCloseTo(1, 5);
  });

  it("treats transparent pixels as may-change", async () => {
    const mask = await png(4, 4, 4, () => [0, 0, 0, 0]);
    const source = await png(4, 4, 3, () => [0, 0, 0]);
    const weights = await decodeMask(mask, source, 4);
    expect(Math.min(...weights)).toBeCloseTo(1, 5);
  });

  it("refuses a mask whose size differs from the image", async () => {
    const mask = await png(8, 8, 1, () => [255]);
    const source = await png(16, 8, 3, () => [0, 0, 0]);
    await expect(decodeMask(mask, source, 4)).rejects.toThrow("mask is 8x8 but the image is 16x8");
  });

  it("reports a corrupt mask as invalid_image, naming the mask", async () => {
    const source = await png(4, 4, 3, () => [0, 0, 0]);
    const error = await decodeMask(Uint8Array.of(1, 2, 3), source, 4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: "invalid_image", message: expect.stringMatching(/^mask: /) });
  });
});

describe("blendWithMask", () => {
  it("keeps the source where the weight is 0 and the edit where it is 1, per channel", () => {
    const edited = Float32Array.of(1, 1, 1, 1);
    const source = Float32Array.of(0, 0, 0, 0);
    // Two pixels in two channel planes: every plane uses the same per-pixel weights.
    expect(blendWithMask(edited, source, Float32Array.of(0, 0.25))).toEqual(
      Float32Array.of(0, 0.25, 0, 0.25),
    );
  });
});
