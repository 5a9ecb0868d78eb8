import { describe, expect, it } from "vitest";
import { readPngSize } from "./png.ts";
import { solidPng } from "./testing/png.ts";

describe("readPngSize", () => {
  it("reads width and height from the IHDR chunk", () => {
    expect(readPngSize(solidPng(7, 3))).toEqual({ width: 7, height: 3 });
  });

  it("reads a PNG that sits inside a larger buffer", () => {
    const png = solidPng(5, 9);
    const padded = new Uint8Array(png.byteLength + 10);
    padded.set(png, 10);
    expect(readPngSize(padded.subarray(10))).toEqual({ width: 5, height: 9 });
  });

  it("rejects bytes that are not a PNG", () => {
    expect(readPngSize(new Uint8Array())).toBeNull();
    expect(readPngSize(new TextEncoder().encode("GIF89a, certainly not a PNG file"))).toBeNull();
    const damaged = solidPng(4, 4);
    damaged.set(new TextEncoder().encode("IDAT"), 12);
    expect(readPngSize(damaged)).toBeNull();
  });
});
