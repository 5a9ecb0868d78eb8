import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { benchImage } from "./bench-image.ts";

describe("benchImage", () => {
  it("is a PNG of the requested size with a red centre on white", async () => {
    const png = await benchImage(32);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.format, info.width, info.height, info.channels]).toEqual(["raw", 32, 32, 3]);
    const pixel = (x: number, y: number) => [...data.subarray(3 * (y * 32 + x), 3 * (y * 32 + x) + 3)];
    expect(pixel(16, 16)).toEqual([255, 0, 0]);
    expect(pixel(0, 0)).toEqual([255, 255, 255]);
  });
});
