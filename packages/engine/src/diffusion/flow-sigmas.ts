import { EngineError } from "../errors.ts";
import { MAX_STEPS } from "../limits.ts";

/** Shifts above this push every step to sigma ~ 1; the shipped models use 1..5. */
export const MAX_SHIFT = 100;

/**
 * Flow-matching noise levels: s_i = 1 - i/steps, shifted towards the noisy end by
 * s' = shift s / (1 + (shift - 1) s), then a final 0. Length steps + 1, s_0 = 1.
 */
export function flowSigmas(steps: number, shift: number): Float64Array {
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) {
    throw new EngineError("invalid_argument", `steps must be an integer in [1, ${MAX_STEPS}], got ${steps}`);
  }
  if (!Number.isFinite(shift) || shift <= 0 || shift > MAX_SHIFT) {
    throw new EngineError("invalid_argument", `shift must be in (0, ${MAX_SHIFT}], got ${shift}`);
  }
  const sigmas = new Float64Array(steps + 1);
  for (let i = 0; i < steps; i++) {
    const s = 1 - i / steps;
    sigmas[i] = (shift * s) / (1 + (shift - 1) * s);
  }
  return sigmas;
}

/** The data estimate of flow matching: x0 = x - sigma * v. */
export function predictX0(x: Float32Array, velocity: Float32Array, sigma: number): Float32Array {
  const x0 = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) x0[i] = (x[i] ?? 0) - sigma * (velocity[i] ?? 0);
  return x0;
}
