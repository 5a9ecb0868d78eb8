import { describe, expect, it } from "vitest";
import { combineGuidance } from "./guidance.ts";

describe("combineGuidance", () => {
  const batched = Float32Array.of(1, 2, 3, 5, 0, 3);

  it("returns the null half at g = 0 and the cond half at g = 1", () => {
    expect(combineGuidance(batched, 0)).toEqual(Float32Array.of(1, 2, 3));
    expect(combineGuidance(batched, 1)).toEqual(Float32Array.of(5, 0, 3));
  });

  it("extrapolates away from the null prediction for g > 1", () => {
    expect(combineGuidance(batched, 4.5)).toEqual(Float32Array.of(19, -7, 3));
  });

  it("rejects an odd batch", () => {
    expect(() => combineGuidance(Float32Array.of(1, 2, 3), 2)).toThrow(/two halves/);
  });
});
