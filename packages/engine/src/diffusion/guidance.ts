import { EngineError } from "../errors.ts";

/**
 * Classifier-free guidance over a batch-of-two velocity (null half first, then cond half):
 * v = v_null + g (v_cond - v_null).
 */
export function combineGuidance(batched: Float32Array, guidance: number): Float32Array {
  if (batched.length % 2 !== 0) {
    throw new EngineError("runtime", `guidance needs a batch of two halves, got ${batched.length} values`);
  }
  const n = batched.length / 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const vNull = batched[i] ?? 0;
    out[i] = vNull + guidance * ((batched[n + i] ?? 0) - vNull);
  }
  return out;
}
