// The diffusion parts of the golden fixtures (pipelines generate / edit / reconstruct and the sampler
// sigmas), typed for the tests of this folder, plus the image comparisons they use.
import {
  type Fixtures,
  fixtureTensor,
  readFixtures,
  type TensorEntry,
} from "../package/fixture-package.test-helper.ts";
import type { SamplerName } from "../types.ts";

export interface SamplingFixture {
  kind: "generate" | "edit";
  seed: number;
  steps: number;
  guidance: number;
  sampler: SamplerName;
  shift: number;
  prompt?: string;
  instruction?: string;
  cond_ids: number[];
  null_ids: number[];
  tensors: Record<string, TensorEntry>;
}

export interface DiffusionFixtures {
  sampler: { steps: number; shift: number; sigmas: number[] }[];
  pipelines: Record<string, { kind?: string; tensors: Record<string, TensorEntry> }> & {
    generate: SamplingFixture;
    edit: SamplingFixture;
    reconstruct: { kind: "reconstruct"; tensors: Record<string, TensorEntry> };
  };
}

export function readDiffusionFixtures(): DiffusionFixtures {
  return readFixtures() as Fixtures & DiffusionFixtures;
}

/** The generate and edit cases, one per sampler. */
export function samplingCases(fixtures: DiffusionFixtures): [string, SamplingFixture][] {
  return Object.entries(fixtures.pipelines).filter(
    (entry): entry is [string, SamplingFixture] => entry[1].kind === "generate" || entry[1].kind === "edit",
  );
}

export function floats(entry: TensorEntry | undefined): Float32Array {
  if (entry === undefined) throw new Error("fixture tensor missing");
  return fixtureTensor(entry).data as Float32Array;
}

export function ints(entry: TensorEntry | undefined): number[] {
  if (entry === undefined) throw new Error("fixture tensor missing");
  return Array.from(fixtureTensor(entry).data as BigInt64Array, Number);
}

/** Row k of a stacked fixture tensor [K, ...rest], as a copy. */
export function row(stacked: Float32Array, count: number, k: number): Float32Array {
  const size = stacked.length / count;
  return stacked.slice(k * size, (k + 1) * size);
}

/** Peak signal-to-noise ratio of two [0, 1] images, in dB. */
export function psnr(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  const mse = sum / a.length;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(1 / mse);
}
