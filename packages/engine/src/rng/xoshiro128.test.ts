import { describe, expect, it } from "vitest";
import { moments } from "./moments.test-helper.ts";
import { createUniform } from "./xoshiro128.ts";

describe("createUniform", () => {
  it("draws in [0, 1) with the moments of a uniform distribution", () => {
    const next = createUniform(7);
    const draws = Array.from({ length: 100_000 }, next);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const { mean, variance } = moments(draws);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 2);
  });

  it("gives unrelated streams for neighbouring seeds", () => {
    const a = createUniform(1);
    const b = createUniform(2);
    const same = Array.from({ length: 1000 }, () => a() === b()).filter(Boolean).length;
    expect(same).toBe(0);
  });
});
