import type { FlowScheduler } from "./types.ts";

/** First-order flow ODE solver: x <- x + (s_{i+1} - s_i) v. */
export function createFlowEuler(sigmas: Float64Array): FlowScheduler {
  return {
    name: "flow-euler",
    sigmas,
    step(i, x, velocity) {
      const dt = (sigmas[i + 1] ?? 0) - (sigmas[i] ?? 0);
      const next = new Float32Array(x.length);
      for (let j = 0; j < x.length; j++) next[j] = (x[j] ?? 0) + dt * (velocity[j] ?? 0);
      return next;
    },
  };
}
