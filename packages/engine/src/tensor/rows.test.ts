import { describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import { tokenPositions, writeRows } from "./rows.ts";

describe("tokenPositions", () => {
  it("finds every occurrence in order", () => {
    expect(tokenPositions([5, 9, 9, 1, 9], 9)).toEqual([1, 2, 4]);
    expect(tokenPositions([1, 2], 9)).toEqual([]);
  });
});

describe("writeRows", () => {
  it("writes source rows at positions, offset by a batch row", () => {
    const target = new Float32Array(2 * 3 * 2); // (B=2, T=3, W=2)
    writeRows(target, 2, [0, 2], Float32Array.of(1, 2, 3, 4), 3);
    expect([...target]).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4]);
  });

  it("rejects a size mismatch or a row outside the target", () => {
    expect(() => writeRows(new Float32Array(4), 2, [0], Float32Array.of(1))).toThrow(EngineError);
    expect(() => writeRows(new Float32Array(4), 2, [2], Float32Array.of(1, 2))).toThrow(/outside/);
  });
});
