// Small composable steps that reshape next-token logits before sampling. Each takes and returns
// logits (modified in place); -Infinity removes a token from the draw.

export type LogitsProcessor = (logits: Float32Array) => Float32Array;

export function temperature(t: number): LogitsProcessor {
  return (logits) => {
    for (let i = 0; i < logits.length; i++) logits[i] = (logits[i] as number) / t;
    return logits;
  };
}

/** Keeps the k highest logits (ties at the k-th value stay in). k = 0 keeps everything. */
export function topK(k: number): LogitsProcessor {
  return (logits) => {
    if (k <= 0 || k >= logits.length) return logits;
    const threshold = Float32Array.from(logits).sort().reverse()[k - 1] as number;
    for (let i = 0; i < logits.length; i++) if ((logits[i] as number) < threshold) logits[i] = -Infinity;
    return logits;
  };
}

/** Keeps the smallest set of most likely tokens whose probability reaches p. p = 1 keeps everything. */
export function topP(p: number): LogitsProcessor {
  return (logits) => {
    if (p >= 1) return logits;
    const order = Array.from(logits.keys()).sort((a, b) => (logits[b] as number) - (logits[a] as number));
    const probs = softmax(logits);
    let cumulative = 0;
    let kept = 0;
    while (kept < order.length && (kept === 0 || cumulative < p)) {
      cumulative += probs[order[kept] as number] as number;
      kept++;
    }
    for (const index of order.slice(kept)) logits[index] = -Infinity;
    return logits;
  };
}

export function composeProcessors(processors: LogitsProcessor[]): LogitsProcessor {
  return (logits) => processors.reduce((current, process) => process(current), logits);
}

/** Numerically stable softmax into a new array. */
export function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const value of logits) if (value > max) max = value;
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] as number) - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / sum;
  return out;
}
