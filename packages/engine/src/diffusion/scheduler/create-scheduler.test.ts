import { describe, expect, it } from "vitest";
import { randn } from "../../rng/randn.ts";
import { floats, readDiffusionFixtures, row, samplingCases } from "../diffusion-fixtures.test-helper.ts";
import { createScheduler, isSamplerName, SAMPLER_NAMES } from "./create-scheduler.ts";
import { gaussianVelocity } from "./gaussian-flow.test-helper.ts";
import type { FlowScheduler } from "./types.ts";

function solve(
  scheduler: FlowScheduler,
  eps: Float32Array,
  velocity: (x: Float32Array, s: number) => Float32Array,
) {
  let x = eps;
  for (let i = 0; i < scheduler.sigmas.length - 1; i++) {
    x = scheduler.step(i, x, velocity(x, scheduler.sigmas[i] ?? 0));
  }
  return x;
}

function maxError(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return worst;
}

describe("createScheduler", () => {
  const eps = randn(3, 64);

  it.each(SAMPLER_NAMES)("%s recovers the data point of a straight flow exactly", (name) => {
    const x0 = randn(4, 64);
    const v = eps.map((e, i) => e - (x0[i] ?? 0));
    expect(
      maxError(
        solve(createScheduler(name, 7, 3), eps, () => v),
        x0,
      ),
    ).toBeLessThan(1e-5);
  });

  it.each(SAMPLER_NAMES)("%s converges to the exact ODE solution for Gaussian data", (name) => {
    const c = 0.5;
    const exact = eps.map((e) => c * e);
    const velocity = (xs: Float32Array, s: number) => gaussianVelocity(xs, s, c);
    const coarse = maxError(solve(createScheduler(name, 25, 3), eps, velocity), exact);
    const fine = maxError(solve(createScheduler(name, 100, 3), eps, velocity), exact);
    expect(fine).toBeLessThan(coarse);
    expect(fine).toBeLessThan(0.05 * maxError(exact, new Float32Array(exact.length)));
  });

  it("DPM-Solver++(2M) is more accurate than Euler at few steps", () => {
    const c = 0.5;
    const exact = eps.map((e) => c * e);
    const velocity = (xs: Float32Array, s: number) => gaussianVelocity(xs, s, c);
    const dpm = maxError(solve(createScheduler("dpm-solver++2m", 16, 3), eps, velocity), exact);
    const euler = maxError(solve(createScheduler("flow-euler", 16, 3), eps, velocity), exact);
    expect(dpm).toBeLessThan(euler / 2);
  });

  it("DPM-Solver++(2M) refuses steps out of order, since it keeps the previous estimate", () => {
    const scheduler = createScheduler("dpm-solver++2m", 4, 3);
    scheduler.step(0, eps, eps);
    expect(() => scheduler.step(2, eps, eps)).toThrow(/expected step 1/);
  });

  it("rejects unknown samplers with invalid_argument", () => {
    expect(isSamplerName("ddim")).toBe(false);
    expect(isSamplerName("toString")).toBe(false);
    expect(() => createScheduler("ddim", 10, 3)).toThrow(
      expect.objectContaining({ code: "invalid_argument", message: expect.stringContaining("ddim") }),
    );
  });
});

describe("schedulers against the PyTorch sampler", () => {
  // Each step is fed PyTorch's guided velocity; the solver alone must then reproduce every latent.
  it.each(samplingCases(readDiffusionFixtures()))("%s: every step's latent within 1e-4", (_, fixture) => {
    const { steps, sampler, shift, tensors } = fixture;
    const latents = floats(tensors.step_latents);
    const velocities = floats(tensors.step_velocity);
    const scheduler = createScheduler(sampler, steps, shift);
    let x = row(latents, steps, 0);
    for (let i = 0; i < steps; i++) {
      x = scheduler.step(i, x, row(velocities, steps, i));
      const expected = i + 1 < steps ? row(latents, steps, i + 1) : floats(tensors.latents);
      expect(maxError(x, expected), `step ${i}`).toBeLessThan(1e-4);
    }
  });
});
