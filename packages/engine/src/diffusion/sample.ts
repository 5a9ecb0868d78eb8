// The flow-matching sampling loop: one DiT call per step with both CFG halves batched, a progress
// event per step (with an x0 preview when due), and cancellation between steps.
import * as ort from "onnxruntime-node";
import { EngineError } from "../errors.ts";
import { encodePng } from "../image/encode-png.ts";
import type { LoadedPackage } from "../package/types.ts";
import { randn } from "../rng/randn.ts";
import type { ImageOptions, ProgressEvent } from "../types.ts";
import type { DitCondition } from "./condition.ts";
import { decodeLatents, latentSize } from "./decode-latents.ts";
import { predictX0 } from "./flow-sigmas.ts";
import { combineGuidance } from "./guidance.ts";
import { type ProjectedCondition, projectCondition } from "./project-condition.ts";
import { type SamplingSettings, throwIfAborted } from "./sampling-options.ts";
import type { FlowScheduler } from "./scheduler/types.ts";

/** Inputs a caller may fix instead of drawing them (golden tests replay a reference run's noise). */
export interface SamplingOverrides {
  /** Initial latent at sigma 1, float32 [C*h*w]; replaces randn(seed). */
  noise?: Float32Array;
}

export interface SampleRequest {
  condition: DitCondition;
  /** Initial latent x at sigma 1, [C*h*w]. */
  noise: Float32Array;
  scheduler: FlowScheduler;
  guidance: number;
  previewEvery: number;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

async function velocityAt(
  pkg: LoadedPackage,
  x: Float32Array,
  sigma: number,
  condition: ProjectedCondition,
): Promise<Float32Array> {
  const { channels, height, width } = pkg.manifest.latent;
  const batched = new Float32Array(2 * x.length);
  // (null, cond) halves see the same latent: [2, C, h, w]
  batched.set(x, 0);
  batched.set(x, x.length);
  const timestep = 1000 * sigma;
  const out = await pkg.run("dit", {
    latents: new ort.Tensor("float32", batched, [2, channels, height, width]),
    timestep: new ort.Tensor("float32", Float32Array.of(timestep, timestep), [2]),
    ...condition,
  });
  const velocity = out.velocity;
  if (velocity === undefined || velocity.data.length !== batched.length) {
    throw new EngineError("runtime", `dit returned velocity of shape [${velocity?.dims ?? "none"}]`);
  }
  return velocity.data as Float32Array;
}

/** Runs the solver from the noise to sigma 0 and returns the final DiT-space latent [C*h*w]. */
export async function sampleLatents(pkg: LoadedPackage, request: SampleRequest): Promise<Float32Array> {
  const { scheduler, guidance, previewEvery, signal, onProgress } = request;
  if (request.noise.length !== latentSize(pkg)) {
    throw new EngineError(
      "invalid_argument",
      `initial noise needs ${latentSize(pkg)} values (C*h*w), got ${request.noise.length}`,
    );
  }
  const totalSteps = scheduler.sigmas.length - 1;
  const condition = await projectCondition(pkg, request.condition);
  let x = request.noise;
  for (let i = 0; i < totalSteps; i++) {
    throwIfAborted(signal);
    const sigma = scheduler.sigmas[i] ?? 0;
    const velocity = combineGuidance(await velocityAt(pkg, x, sigma, condition), guidance);
    const step = i + 1;
    const previewDue = previewEvery > 0 && step % previewEvery === 0 && step < totalSteps;
    const preview = previewDue
      ? await encodePng(await decodeLatents(pkg, predictX0(x, velocity, sigma)), pkg.manifest.image.size)
      : undefined;
    x = scheduler.step(i, x, velocity);
    onProgress?.(preview === undefined ? { step, totalSteps } : { step, totalSteps, preview });
  }
  return x;
}

/** Condition -> pixels [3*S*S] (not yet clamped): seeded noise, the sampling loop, the pixel decoder. */
export async function samplePixels(
  pkg: LoadedPackage,
  condition: DitCondition,
  settings: SamplingSettings,
  options: ImageOptions,
  overrides: SamplingOverrides,
): Promise<Float32Array> {
  const latents = await sampleLatents(pkg, {
    condition,
    noise: overrides.noise ?? randn(settings.seed, latentSize(pkg)),
    scheduler: settings.scheduler,
    guidance: settings.guidance,
    previewEvery: settings.previewEvery,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  return decodeLatents(pkg, latents);
}
