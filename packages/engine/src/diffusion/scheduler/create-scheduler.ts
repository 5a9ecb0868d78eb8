import { EngineError } from "../../errors.ts";
import type { SamplerName } from "../../types.ts";
import { flowSigmas } from "../flow-sigmas.ts";
import { createDpmSolver2M } from "./dpm-solver.ts";
import { createFlowEuler } from "./flow-euler.ts";
import type { FlowScheduler } from "./types.ts";

const FACTORIES: Record<SamplerName, (sigmas: Float64Array) => FlowScheduler> = {
  "dpm-solver++2m": createDpmSolver2M,
  "flow-euler": createFlowEuler,
};

export const SAMPLER_NAMES = Object.keys(FACTORIES) as SamplerName[];

export function isSamplerName(name: string): name is SamplerName {
  return Object.hasOwn(FACTORIES, name);
}

/** A fresh solver for one sampling run over the shifted flow sigmas. */
export function createScheduler(name: string, steps: number, shift: number): FlowScheduler {
  if (!isSamplerName(name)) {
    throw new EngineError(
      "invalid_argument",
      `sampler must be one of ${SAMPLER_NAMES.join(", ")}, got "${name}"`,
    );
  }
  return FACTORIES[name](flowSigmas(steps, shift));
}
