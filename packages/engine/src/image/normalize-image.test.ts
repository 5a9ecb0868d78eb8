import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { MAX_IMAGE_BYTES } from "../limits.ts";
import { normalizeImage } from "./normalize-image.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function canvas(width: number, height: number, background: string) {
  return sharp({ create: { width, height, channels: 4, background } });
}

const invalidImage = (message?: RegExp) =>
  expect.objectContaining({
    name: "EngineError",
    code: "invalid_image",
    ...(message && { message: expect.stringMatching(message) }),
  });

describe("normalizeImage", () => {
  it.each([
    ["JPEG", () => canvas(12, 5, "#ff0000").jpeg().toBuffer()],
    ["WebP", () => canvas(12, 5, "#ff0000").webp().toBuffer()],
    ["PNG", () => canvas(12, 5, "#ff0000").png().toBuffer()],
  ])("converts a %s to a PNG of the same size", async (_, make) => {
    const { png, width, height } = await normalizeImage(await make());
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect({ width, height }).toEqual({ width: 12, height: 5 });
    expect(await sharp(png).metadata()).toMatchObject({ format: "png", width: 12, height: 5 });
  });

  it("keeps alpha", async () => {
    const webp = await canvas(4, 4, "#00ff0080").webp({ lossless: true }).toBuffer();
    const { png } = await normalizeImage(webp);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[3]).toBe(128);
  });

  it("turns the image upright by its EXIF orientation", async () => {
    // Orientation 6: stored 12 x 5, shown rotated 90 degrees clockwise.
    const jpeg = await canvas(12, 5, "#0000ff").jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const { png, width, height } = await normalizeImage(jpeg);
    expect({ width, height }).toEqual({ width: 5, height: 12 });
    expect(await sharp(png).metadata()).toMatchObject({ width: 5, height: 12 });
  });

  it.each([
    ["empty input", new Uint8Array(0)],
    ["corrupt bytes", new TextEncoder().encode("certainly not an image")],
    ["oversized input", new Uint8Array(MAX_IMAGE_BYTES + 1)],
  ])("rejects %s with invalid_image", async (_, bytes) => {
    await expect(normalizeImage(bytes)).rejects.toEqual(invalidImage());
  });

  it("rejects a truncated image and formats outside png/jpeg/webp", async () => {
    const png = await canvas(64, 64, "#123456").png().toBuffer();
    await expect(normalizeImage(png.subarray(0, png.length / 2))).rejects.toEqual(invalidImage());
    const gif = await canvas(2, 2, "#000").gif().toBuffer();
    await expect(normalizeImage(gif)).rejects.toEqual(invalidImage(/gif is not supported/));
  });
});
