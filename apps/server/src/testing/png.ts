// Real PNG files for tests (a flat colour), written with node:zlib so tests need no image library.
import { crc32, deflateSync } from "node:zlib";

export function makePng(
  width: number,
  height: number,
  rgb: [number, number, number] = [200, 40, 40],
): Uint8Array {
  const row = Buffer.alloc(1 + 3 * width); // filter byte 0, then RGB triples
  for (let x = 0; x < width; x++) row.set(rgb, 1 + 3 * x);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit depth, RGB, deflate, no filter, no interlace
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
  return new Uint8Array(png);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function toDataUrl(bytes: Uint8Array, mediaType = "image/png"): string {
  return `data:${mediaType};base64,${Buffer.from(bytes).toString("base64")}`;
}

/** A copy of a PNG whose header claims another size (CRC fixed): a decompression bomb's disguise. */
export function withClaimedSize(png: Uint8Array, width: number, height: number): Uint8Array {
  const copy = Buffer.from(png);
  copy.writeUInt32BE(width, 16);
  copy.writeUInt32BE(height, 20);
  copy.writeUInt32BE(crc32(copy.subarray(12, 29)), 29); // IHDR type + data, then its CRC
  return new Uint8Array(copy);
}
