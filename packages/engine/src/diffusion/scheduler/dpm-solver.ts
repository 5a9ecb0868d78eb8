import { EngineError } from "../../errors.ts";
import { predictX0 } from "../flow-sigmas.ts";
import type { FlowScheduler } from "./types.ts";

/** Half-log signal-to-noise ratio of flow matching at noise level s (alpha = 1 - s, sigma = s). */
function lambda(s: number): number {
  return Math.log((1 - s) / s);
}

/**
 * DPM-Solver++(2M) in data prediction, as docs/model-package.md "Samplers" specifies: first and last
 * steps first order, the rest second order from the previous step's x0 estimate.
 */
export function createDpmSolver2M(sigmas: Float64Array): FlowScheduler {
  const lastStep = sigmas.length - 2;
  let previousX0: Float32Array | undefined;
  let previousH = 0;
  let expectedStep = 0;
  return {
    name: "dpm-solver++2m",
    sigmas,
    step(i, x, velocity) {
      // The second-order term reads the previous step's estimate, so steps must come in order.
      if (i !== expectedStep || i > lastStep) {
        throw new EngineError("runtime", `dpm-solver++2m expected step ${expectedStep}, got ${i}`);
      }
      expectedStep++;
      const s = sigmas[i] ?? 0;
      const sNext = sigmas[i + 1] ?? 0;
      const x0 = predictX0(x, velocity, s);
      if (sNext === 0) return x0;

      // At s = 1, lambda is -inf; h is then infinite, e^{-h} = 0 and the update is still finite.
      const h = lambda(sNext) - lambda(s);
      const ratio = sNext / s;
      const coefficient = -(1 - sNext) * Math.expm1(-h);
      const secondOrder = previousX0 !== undefined && i !== lastStep;
      const r = previousH / h;
      const wCurrent = secondOrder ? 1 + 1 / (2 * r) : 1;
      const wPrevious = secondOrder ? 1 / (2 * r) : 0;
      const prev = previousX0;

      const next = new Float32Array(x.length);
      for (let j = 0; j < x.length; j++) {
        const d = wCurrent * (x0[j] ?? 0) - (prev === undefined ? 0 : wPrevious * (prev[j] ?? 0));
        next[j] = ratio * (x[j] ?? 0) + coefficient * d;
      }
      previousX0 = x0;
      previousH = h;
      return next;
    },
  };
}
