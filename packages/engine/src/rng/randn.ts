import { EngineError } from "../errors.ts";
import { assertSeed } from "./seed.ts";
import { createUniform } from "./xoshiro128.ts";

/** Largest noise tensor one call may draw (a 1B UniLIP latent is 32 x 16 x 16 = 8192 values per image). */
export const MAX_RANDN_VALUES = 1 << 24;

/** n standard-normal samples from a seeded stream (Box-Muller), identical across runs and platforms. */
export function randn(seed: number, n: number): Float32Array {
  assertSeed(seed);
  if (!Number.isInteger(n) || n < 0 || n > MAX_RANDN_VALUES) {
    throw new EngineError(
      "invalid_argument",
      `randn count must be an integer in [0, ${MAX_RANDN_VALUES}], got ${n}`,
    );
  }
  const uniform = createUniform(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // 1 - u lies in (0, 1], so the logarithm stays finite.
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}
