// xoshiro128** (Blackman & Vigna): small state, fast in 32-bit integer arithmetic, good equidistribution.

/** Mixes a counter into a well-spread 32-bit word, so that nearby seeds give unrelated states. */
function mix32(x: number): number {
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85eb_ca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2_ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Returns a generator of uniform floats in [0, 1), deterministic for a 32-bit seed. */
export function createUniform(seed: number): () => number {
  // An all-zero state would be a fixed point; the golden-ratio increments make that impossible.
  const state = new Uint32Array(4);
  let counter = seed >>> 0;
  for (let i = 0; i < 4; i++) {
    counter = (counter + 0x9e37_79b9) >>> 0;
    state[i] = mix32(counter);
  }
  return () => {
    const s0 = state[0] ?? 0;
    const s1 = state[1] ?? 0;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const s2 = (state[2] ?? 0) ^ s0;
    const s3 = (state[3] ?? 0) ^ s1;
    state[1] = s1 ^ s2;
    state[0] = s0 ^ s3;
    state[2] = s2 ^ t;
    state[3] = rotl(s3, 11);
    return result / 2 ** 32;
  };
}
