import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import { parseNpy, readNpy } from "./npy.ts";

/** Builds a version-1 .npy file the way numpy lays it out (header padded to 64 bytes). */
function npyBytes(descr: string, shape: number[], data: Uint8Array, fortran = false): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': ${shapeText}, }`;
  header += `${" ".repeat(64 - ((10 + header.length + 1) % 64))}\n`;
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

const bytesOf = (array: Float32Array | BigInt64Array | Int32Array) => new Uint8Array(array.buffer);

describe("parseNpy", () => {
  it("reads float32, int64 and int32 arrays with their shapes", () => {
    const f = parseNpy(npyBytes("<f4", [2, 3], bytesOf(Float32Array.of(1, 2, 3, 4, 5, 6.5))));
    expect(f).toMatchObject({ dtype: "float32", shape: [2, 3] });
    expect([...f.data]).toEqual([1, 2, 3, 4, 5, 6.5]);
    const i = parseNpy(npyBytes("<i8", [2], bytesOf(BigInt64Array.of(7n, -1n))));
    expect(i).toMatchObject({ dtype: "int64", shape: [2] });
    expect([...i.data]).toEqual([7n, -1n]);
    const j = parseNpy(npyBytes("<i4", [1, 1], bytesOf(Int32Array.of(42))));
    expect([...j.data]).toEqual([42]);
  });

  it("reads scalars and empty arrays", () => {
    expect(parseNpy(npyBytes("<f4", [], bytesOf(Float32Array.of(3))))).toMatchObject({ shape: [] });
    expect(parseNpy(npyBytes("<f4", [0, 4], new Uint8Array(0))).data.length).toBe(0);
  });

  it("copies data so an unaligned source buffer still yields a typed view", () => {
    const file = npyBytes("<f4", [1], bytesOf(Float32Array.of(9)));
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    expect([...parseNpy(shifted.subarray(1)).data]).toEqual([9]);
  });

  it.each([
    ["bad magic", new Uint8Array(20)],
    ["unsupported dtype", npyBytes("<f8", [1], new Uint8Array(8))],
    ["fortran order", npyBytes("<f4", [1], new Uint8Array(4), true)],
    ["truncated data", npyBytes("<f4", [2], new Uint8Array(4))],
  ])("rejects %s with invalid_package", (_, bytes) => {
    expect(() => parseNpy(bytes, "x.npy")).toThrow(EngineError);
    expect(() => parseNpy(bytes, "x.npy")).toThrow(/x\.npy/);
  });
});

describe("readNpy", () => {
  it("reads a file and names a missing one", () => {
    const dir = mkdtempSync(join(tmpdir(), "npy-"));
    const path = join(dir, "a.npy");
    writeFileSync(path, npyBytes("<f4", [2], bytesOf(Float32Array.of(0.5, -0.5))));
    expect([...readNpy(path).data]).toEqual([0.5, -0.5]);
    expect(() => readNpy(join(dir, "missing.npy"))).toThrow(/missing\.npy/);
  });
});
