// The numbers one side of the benchmark reports. The Python reference prints the same fields as JSON
// (snake_case), so both sides are parsed into one shape and compared field by field.
import { z } from "zod";
import type { SamplerName } from "../types.ts";

export const BenchReportSchema = z.object({
  runtime: z.string(),
  ttft_ms: z.number().nonnegative(),
  decode_tokens_per_s: z.number().nonnegative(),
  decode_tokens: z.number().int().nonnegative(),
  generate_ms: z.number().nonnegative(),
  edit_ms: z.number().nonnegative(),
  peak_rss_bytes: z.number().nonnegative(),
});

export type BenchReport = z.infer<typeof BenchReportSchema>;

/** What both sides run: the same prompts, image, settings and repetitions. */
export interface BenchWorkload {
  question: string;
  prompt: string;
  instruction: string;
  /** PNG written to disk so the reference reads the very same bytes. */
  imagePath: string;
  maxNewTokens: number;
  steps: number;
  guidance: number;
  /** Named on both sides: the reference must not fall back to a default other than the package's. */
  sampler: SamplerName;
  seed: number;
  /** Timed repetitions after one warm-up; the median is reported. */
  runs: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
