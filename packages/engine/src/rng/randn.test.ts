import { describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import { MAX_SEED } from "../limits.ts";
import { moments } from "./moments.test-helper.ts";
import { MAX_RANDN_VALUES, randn } from "./randn.ts";

describe("randn", () => {
  it("is standard normal", () => {
    const { mean, variance } = moments(randn(123, 200_000));
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
  });

  it("is deterministic for a seed and differs between seeds", () => {
    expect(randn(42, 1001)).toEqual(randn(42, 1001));
    expect(randn(42, 16)).not.toEqual(randn(43, 16));
  });

  it("draws a prefix of the same stream for a shorter even length", () => {
    expect(randn(5, 10)).toEqual(randn(5, 20).subarray(0, 10));
  });

  it("handles the extreme seeds and an empty draw", () => {
    expect(randn(0, 4).every(Number.isFinite)).toBe(true);
    expect(randn(MAX_SEED, 4).every(Number.isFinite)).toBe(true);
    expect(randn(1, 0)).toHaveLength(0);
  });

  it("rejects bad seeds and counts with invalid_argument", () => {
    for (const seed of [-1, 1.5, MAX_SEED + 1, Number.NaN]) {
      expect(() => randn(seed, 4)).toThrow(EngineError);
    }
    for (const n of [-1, 2.5, MAX_RANDN_VALUES + 1]) {
      expect(() => randn(1, n)).toThrow(expect.objectContaining({ code: "invalid_argument" }));
    }
  });
});
