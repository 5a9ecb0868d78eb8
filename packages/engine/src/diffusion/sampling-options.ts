// The caller's image options (already validated at the engine's edge) completed with the package's
// sampler defaults, and the cancellation check the sampling stages share.
import { EngineError } from "../errors.ts";
import { encodePng } from "../image/encode-png.ts";
import type { LoadedPackage } from "../package/types.ts";
import { randomSeed } from "../rng/seed.ts";
import type { ImageOptions, ImageResult } from "../types.ts";
import { createScheduler } from "./scheduler/create-scheduler.ts";
import type { FlowScheduler } from "./scheduler/types.ts";

export interface SamplingSettings {
  /** A fresh solver for this run; it also carries the step count and sampler name. */
  scheduler: FlowScheduler;
  guidance: number;
  /** The caller's seed, or a fresh one reported back so the image can be reproduced. */
  seed: number;
  /** 0 = no previews. */
  previewEvery: number;
}

/** Whose default guidance applies: a package may tune editing apart from drawing. */
export type SamplingTask = "generate" | "edit";

export function defaultGuidance(pkg: LoadedPackage, task: SamplingTask): number {
  const { guidance, edit_guidance } = pkg.manifest.sampler;
  return task === "edit" ? (edit_guidance ?? guidance) : guidance;
}

export function resolveSampling(
  pkg: LoadedPackage,
  options: ImageOptions,
  task: SamplingTask,
): SamplingSettings {
  const defaults = pkg.manifest.sampler;
  return {
    scheduler: createScheduler(
      options.sampler ?? defaults.name,
      options.steps ?? defaults.steps,
      defaults.shift,
    ),
    guidance: options.guidance ?? defaultGuidance(pkg, task),
    seed: options.seed ?? randomSeed(),
    previewEvery: options.previewEvery ?? 0,
  };
}

/** The PNG and the settings that made it, so the caller can reproduce the image. */
export async function imageResult(
  pkg: LoadedPackage,
  pixels: Float32Array,
  settings: SamplingSettings,
): Promise<ImageResult> {
  const size = pkg.manifest.image.size;
  return {
    png: await encodePng(pixels, size),
    width: size,
    height: size,
    seed: settings.seed,
    steps: settings.scheduler.sigmas.length - 1,
    guidance: settings.guidance,
    sampler: settings.scheduler.name,
  };
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new EngineError("cancelled", "the request was cancelled", { cause: signal.reason });
}
