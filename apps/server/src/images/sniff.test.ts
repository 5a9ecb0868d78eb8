import { describe, expect, it } from "vitest";
import { makePng } from "../testing/png.ts";
import { sniffImage } from "./sniff.ts";

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...Buffer.from(p, "latin1")] : p)));
const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];

describe("sniffImage", () => {
  it("reads a PNG's size from IHDR", () => {
    expect(sniffImage(makePng(7, 3))).toEqual({ format: "png", width: 7, height: 3 });
  });

  it("reads a JPEG's size from its frame header, skipping other segments", () => {
    const jpeg = bytes(
      [0xff, 0xd8],
      [0xff, 0xe0, 0x00, 0x04, 0x00, 0x00], // APP0 with 2 bytes of payload
      [0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0x2c, 0x02, 0x58, 0x03], // SOF0: 600 x 300
    );
    expect(sniffImage(jpeg)).toEqual({ format: "jpeg", width: 600, height: 300 });
  });

  it("reads the three WebP headers", () => {
    const riff = (chunk: string, payload: number[]) =>
      bytes("RIFF", le32(4 + 8 + payload.length), "WEBP", chunk, le32(payload.length), payload);
    const vp8x = riff("VP8X", [0, 0, 0, 0, 99, 0, 0, 49, 0, 0]);
    const vp8 = riff("VP8 ", [0, 0, 0, 0x9d, 0x01, 0x2a, 64, 0, 32, 0]);
    const vp8l = riff("VP8L", [0x2f, ...le32((16 - 1) | ((8 - 1) << 14)), 0, 0, 0, 0, 0]);
    expect(sniffImage(vp8x)).toEqual({ format: "webp", width: 100, height: 50 });
    expect(sniffImage(vp8)).toEqual({ format: "webp", width: 64, height: 32 });
    expect(sniffImage(vp8l)).toEqual({ format: "webp", width: 16, height: 8 });
  });

  it("returns null for other bytes, truncated headers and zero sizes", () => {
    expect(sniffImage(bytes("GIF89a........................"))).toBeNull();
    expect(sniffImage(makePng(4, 4).subarray(0, 20))).toBeNull();
    expect(sniffImage(bytes([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]))).toBeNull();
    expect(sniffImage(makePng(0, 4))).toBeNull();
    expect(sniffImage(new Uint8Array())).toBeNull();
  });
});
