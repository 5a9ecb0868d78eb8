const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// Signature (8) + IHDR length (4) + "IHDR" (4) + width (4) + height (4).
const PNG_HEADER_BYTES = 24;
const IHDR_DATA_LENGTH = 13;

export interface PngSize {
  width: number;
  height: number;
}

/** Width and height from a PNG's IHDR chunk, or null when the bytes do not start like a PNG. */
export function readPngSize(bytes: Uint8Array): PngSize | null {
  if (bytes.byteLength < PNG_HEADER_BYTES) return null;
  if (PNG_SIGNATURE.some((byte, i) => bytes[i] !== byte)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunkType = String.fromCharCode(...bytes.subarray(12, 16));
  if (view.getUint32(8) !== IHDR_DATA_LENGTH || chunkType !== "IHDR") return null;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
