import { describe, expect, it } from "vitest";
import { makePng } from "../testing/png.ts";
import { pngChunksIntact } from "./png-chunks.ts";

describe("pngChunksIntact", () => {
  it("accepts a well-formed PNG", () => {
    expect(pngChunksIntact(makePng(9, 4))).toBe(true);
  });

  it("refuses truncated files, flipped bits and trailing bytes", () => {
    const png = makePng(9, 4);
    expect(pngChunksIntact(png.subarray(0, png.length - 5))).toBe(false);
    const flipped = png.slice();
    flipped[40] = (flipped[40] ?? 0) ^ 0xff;
    expect(pngChunksIntact(flipped)).toBe(false);
    expect(pngChunksIntact(new Uint8Array([...png, 0]))).toBe(false);
  });
});
