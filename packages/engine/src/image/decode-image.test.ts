import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import { MAX_IMAGE_BYTES } from "../limits.ts";
import { decodeImage } from "./decode-image.ts";

const SIZE = 4;

async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

describe("decodeImage", () => {
  it("reads a JPEG upright by its EXIF orientation, as its viewer shows it", async () => {
    // Stored 2 x 1: red on the left, blue on the right. Orientation 6 shows it rotated 90 degrees
    // clockwise, so red is on top and blue below.
    const stored = Buffer.from([255, 0, 0, 0, 0, 255]);
    const jpeg = await sharp(stored, { raw: { width: 2, height: 1, channels: 3 } })
      .resize(40, 20, { kernel: "nearest" })
      .jpeg({ quality: 100 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const pixels = await decodeImage(jpeg, 2);
    const plane = 4;
    const red = (i: number) => pixels[i] as number;
    const blue = (i: number) => pixels[2 * plane + i] as number;
    // Row 0 (pixels 0, 1) red, row 1 (pixels 2, 3) blue.
    expect(red(0)).toBeGreaterThan(0.8);
    expect(blue(0)).toBeLessThan(0.2);
    expect(blue(2)).toBeGreaterThan(0.8);
    expect(red(2)).toBeLessThan(0.2);
  });

  it("stretches any aspect ratio to the square, and reads grayscale + alpha as RGB", async () => {
    const wide = await sharp({ create: { width: 12, height: 3, channels: 4, background: "#ff000080" } })
      .png()
      .toBuffer();
    const pixels = await decodeImage(wide, SIZE);
    expect(pixels.length).toBe(3 * SIZE * SIZE);
    // 50% red over the white background.
    expect(pixels[0]).toBeCloseTo(1, 2);
    expect(pixels[SIZE * SIZE]).toBeCloseTo(127 / 255, 1);
    const gray = await sharp({ create: { width: 2, height: 2, channels: 3, background: "#808080" } })
      .toColourspace("b-w")
      .jpeg()
      .toBuffer();
    expect((await decodeImage(gray, 2)).length).toBe(12);
  });

  it.each([
    ["empty input", new Uint8Array(0)],
    ["corrupt bytes", new TextEncoder().encode("certainly not an image")],
    ["oversized input", new Uint8Array(MAX_IMAGE_BYTES + 1)],
  ])("rejects %s with invalid_image", async (_, bytes) => {
    expect((await rejection(decodeImage(bytes, SIZE))).code).toBe("invalid_image");
  });

  it("rejects formats outside png/jpeg/webp", async () => {
    const gif = await sharp({ create: { width: 2, height: 2, channels: 3, background: "#000" } })
      .gif()
      .toBuffer();
    expect((await rejection(decodeImage(gif, SIZE))).message).toMatch(/gif is not supported/);
  });

  it("rejects an image with more pixels than the limit, from its header", async () => {
    // A 5000 x 5000 PNG of one color compresses to a few kB yet exceeds MAX_IMAGE_PIXELS.
    const bomb = await sharp({ create: { width: 5000, height: 5000, channels: 3, background: "#000" } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(MAX_IMAGE_BYTES);
    const error = await rejection(decodeImage(bomb, SIZE));
    expect(error.code).toBe("invalid_image");
    expect(error.message).toMatch(/too many pixels/);
  });
});
