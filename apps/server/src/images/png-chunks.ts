// A PNG's chunk structure checked without decoding pixels: every chunk inside the file, every CRC right,
// IHDR first and IEND last. Catches truncated and bit-flipped files before they are stored.
import { crc32 } from "node:zlib";

const SIGNATURE_BYTES = 8;
// length (4) + type (4) + CRC (4) around each chunk's data.
const CHUNK_OVERHEAD = 12;

export function pngChunksIntact(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = SIGNATURE_BYTES;
  let first = true;
  while (offset + CHUNK_OVERHEAD <= bytes.length) {
    const length = view.getUint32(offset);
    const end = offset + CHUNK_OVERHEAD + length;
    if (end > bytes.length) return false;
    const typeAndData = bytes.subarray(offset + 4, offset + 8 + length);
    const type = String.fromCharCode(...typeAndData.subarray(0, 4));
    if (first && type !== "IHDR") return false;
    if (crc32(typeAndData) !== view.getUint32(offset + 8 + length)) return false;
    if (type === "IEND") return end === bytes.length;
    first = false;
    offset = end;
  }
  return false;
}
