// The database types image bytes as Uint8Array<ArrayBuffer>; Buffers and engine output are typed over
// ArrayBufferLike. This narrows without copying when the memory is an ordinary ArrayBuffer.
export function plainBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : new Uint8Array(bytes);
}
