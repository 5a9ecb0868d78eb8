import type { SamplerName } from "../../types.ts";

/**
 * One sampling run's solver. It holds per-run state (the previous data estimate for multistep
 * solvers), so each run creates its own.
 */
export interface FlowScheduler {
  readonly name: SamplerName;
  /** steps + 1 noise levels, ending at 0. */
  readonly sigmas: Float64Array;
  /** Moves x from sigmas[i] to sigmas[i + 1], given the model's velocity at (x, sigmas[i]). Call with i = 0, 1, ... in order. */
  step(i: number, x: Float32Array, velocity: Float32Array): Float32Array;
}
