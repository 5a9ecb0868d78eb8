// A reader for the .npy files the exporter writes (queries.npy, golden fixtures): little-endian,
// C order, float32 / int64 / int32. Anything else is a broken package, reported as such.
import { readFileSync } from "node:fs";
import { EngineError } from "../errors.ts";

export type NpyDtype = "float32" | "int64" | "int32";
export type NpyData = Float32Array | BigInt64Array | Int32Array;

export interface NpyArray {
  data: NpyData;
  shape: number[];
  dtype: NpyDtype;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const DESCR_TO_DTYPE: Record<string, NpyDtype> = { "<f4": "float32", "<i8": "int64", "<i4": "int32" };
const BYTES_PER_ELEMENT: Record<NpyDtype, number> = { float32: 4, int64: 8, int32: 4 };

function fail(source: string, why: string, cause?: unknown): never {
  throw new EngineError("invalid_package", `${source}: not a supported .npy file (${why})`, { cause });
}

function parseHeader(header: string, source: string): { dtype: NpyDtype; shape: number[] } {
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(source, "bad header");
  const dtype = DESCR_TO_DTYPE[descr];
  if (dtype === undefined) fail(source, `dtype ${descr}`);
  if (fortran === "True") fail(source, "fortran order");
  const shape = shapeText
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map(Number);
  if (shape.some((dim) => !Number.isInteger(dim) || dim < 0)) fail(source, `shape (${shapeText})`);
  return { dtype, shape };
}

/** Parses .npy bytes; `source` names the file in errors. */
export function parseNpy(bytes: Uint8Array, source = "npy"): NpyArray {
  if (bytes.length < 10 || MAGIC.some((byte, i) => bytes[i] !== byte)) fail(source, "bad magic");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLengthSize = major === 1 ? 2 : 4;
  if (major !== 1 && major !== 2 && major !== 3) fail(source, `version ${major}`);
  const headerLength = headerLengthSize === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + headerLengthSize + headerLength;
  if (dataOffset > bytes.length) fail(source, "truncated header");
  const header = new TextDecoder("latin1").decode(bytes.subarray(8 + headerLengthSize, dataOffset));
  const { dtype, shape } = parseHeader(header, source);
  const count = shape.reduce((a, b) => a * b, 1);
  const byteLength = count * BYTES_PER_ELEMENT[dtype];
  if (bytes.length - dataOffset !== byteLength) {
    fail(
      source,
      `expected ${byteLength} data bytes for shape [${shape}], found ${bytes.length - dataOffset}`,
    );
  }
  // Copy into a fresh buffer: the file's bytes need not be aligned for a typed-array view (and a Node
  // Buffer's slice() is a view into a shared pool, not a copy).
  const copy = new Uint8Array(byteLength);
  copy.set(bytes.subarray(dataOffset, dataOffset + byteLength));
  const buffer = copy.buffer;
  const data =
    dtype === "float32"
      ? new Float32Array(buffer)
      : dtype === "int64"
        ? new BigInt64Array(buffer)
        : new Int32Array(buffer);
  return { data, shape, dtype };
}

export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new EngineError("invalid_package", `${path}: cannot read .npy file`, { cause });
  }
  return parseNpy(bytes, path);
}
