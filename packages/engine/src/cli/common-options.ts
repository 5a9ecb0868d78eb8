// Options and inputs several commands share: the model directory, sampling settings, input files.
import { readFile, writeFile } from "node:fs/promises";
import { isSamplerName, SAMPLER_NAMES } from "../diffusion/scheduler/create-scheduler.ts";
import type { LoadEngineOptions } from "../engine.ts";
import type { ImageOptions, UniLIPEngine } from "../types.ts";
import { numberOption, UsageError } from "./usage.ts";

export const MODEL_OPTION = { model: { type: "string" } } as const;

export const SAMPLING_OPTIONS = {
  steps: { type: "string" },
  guidance: { type: "string" },
  seed: { type: "string" },
  sampler: { type: "string" },
} as const;

export const OUTPUT_OPTION = { output: { type: "string", short: "o" } } as const;

export function samplingOptions(values: {
  steps?: string;
  guidance?: string;
  seed?: string;
  sampler?: string;
}): ImageOptions {
  const options: ImageOptions = {};
  const steps = numberOption(values.steps, "--steps", true);
  const guidance = numberOption(values.guidance, "--guidance", false);
  const seed = numberOption(values.seed, "--seed", true);
  if (steps !== undefined) options.steps = steps;
  if (guidance !== undefined) options.guidance = guidance;
  if (seed !== undefined) options.seed = seed;
  if (values.sampler !== undefined) {
    if (!isSamplerName(values.sampler)) {
      throw new UsageError(`--sampler must be one of ${SAMPLER_NAMES.join(", ")}, got "${values.sampler}"`);
    }
    options.sampler = values.sampler;
  }
  return options;
}

export interface CommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Loads the package named by --model (or the bundled one) for one job and always disposes it. The
 * engine is imported here, after the arguments were checked, so usage errors come back at once.
 */
export async function withEngine<T>(
  values: { model?: string },
  job: (engine: UniLIPEngine) => Promise<T>,
  options: LoadEngineOptions = {},
): Promise<T> {
  const { DEFAULT_MODEL_DIR, loadEngine } = await import("../index.ts");
  const engine = await loadEngine(values.model ?? DEFAULT_MODEL_DIR, options);
  try {
    return await job(engine);
  } finally {
    await engine.dispose();
  }
}

/** Reads an input file; a missing or unreadable path is the caller's mistake, so a usage error. */
export async function readInput(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new UsageError(`cannot read ${what} ${path}: ${(cause as NodeJS.ErrnoException).code ?? cause}`, {
      cause,
    });
  }
}

export async function writeOutput(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFile(path, bytes);
  } catch (cause) {
    throw new UsageError(`cannot write ${path}: ${(cause as NodeJS.ErrnoException).code ?? cause}`, {
      cause,
    });
  }
}
