import { describe, expect, it } from "vitest";
import { MAX_STEPS } from "../limits.ts";
import { maxAbsDiff } from "../package/fixture-package.test-helper.ts";
import { readDiffusionFixtures } from "./diffusion-fixtures.test-helper.ts";
import { flowSigmas, MAX_SHIFT, predictX0 } from "./flow-sigmas.ts";

describe("flowSigmas", () => {
  it("is the plain linear schedule at shift 1", () => {
    expect(Array.from(flowSigmas(4, 1))).toEqual([1, 0.75, 0.5, 0.25, 0]);
  });

  it("shifts towards the noisy end and stays decreasing", () => {
    const sigmas = flowSigmas(20, 3);
    expect(sigmas).toHaveLength(21);
    expect(sigmas[0]).toBe(1);
    expect(sigmas[20]).toBe(0);
    // s = 0.5 maps to 3 * 0.5 / (1 + 2 * 0.5) = 0.75.
    expect(sigmas[10]).toBeCloseTo(0.75, 12);
    for (let i = 0; i < 20; i++) expect(sigmas[i + 1] ?? 0).toBeLessThan(sigmas[i] ?? 0);
  });

  it("rejects steps and shifts out of range", () => {
    for (const steps of [0, -1, 1.5, MAX_STEPS + 1]) {
      expect(() => flowSigmas(steps, 3)).toThrow(expect.objectContaining({ code: "invalid_argument" }));
    }
    for (const shift of [0, -1, Number.NaN, MAX_SHIFT + 1]) {
      expect(() => flowSigmas(10, shift)).toThrow(expect.objectContaining({ code: "invalid_argument" }));
    }
  });
});

describe("predictX0", () => {
  it("removes sigma times the velocity", () => {
    expect(predictX0(Float32Array.of(1, 2), Float32Array.of(4, -2), 0.25)).toEqual(Float32Array.of(0, 2.5));
  });
});

describe("flowSigmas against the PyTorch sampler", () => {
  it.each(readDiffusionFixtures().sampler)(
    "matches for $steps steps at shift $shift",
    ({ steps, shift, sigmas }) => {
      expect(maxAbsDiff(flowSigmas(steps, shift), sigmas)).toBeLessThan(1e-12);
    },
  );
});
