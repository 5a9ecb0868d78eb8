// Picks the next token from logits: greedy at temperature 0, otherwise a seeded draw after
// temperature, top-k and top-p.
import { createUniform } from "../rng/xoshiro128.ts";
import { composeProcessors, softmax, temperature, topK, topP } from "./logits-processors.ts";

export interface SamplingSettings {
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
}

export type TokenSelector = (logits: Float32Array) => number;

/** Index of the largest logit; the first one wins a tie. */
export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if ((logits[i] as number) > (logits[best] as number)) best = i;
  return best;
}

/** Inverse-CDF draw from a probability vector with a uniform number in [0, 1). */
export function drawIndex(probs: Float32Array, u: number): number {
  let cumulative = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i] as number;
    if (p <= 0) continue;
    cumulative += p;
    last = i;
    if (u < cumulative) return i;
  }
  // Float rounding can leave the total a hair under 1: the last possible token takes the remainder.
  return last;
}

export function createTokenSelector(settings: SamplingSettings): TokenSelector {
  if (settings.temperature === 0) return argmax;
  const process = composeProcessors([
    temperature(settings.temperature),
    topK(settings.topK),
    topP(settings.topP),
  ]);
  const uniform = createUniform(settings.seed);
  return (logits) => drawIndex(softmax(process(logits)), uniform());
}
