import { randomInt } from "node:crypto";
import { EngineError } from "../errors.ts";
import { MAX_SEED } from "../limits.ts";

export function assertSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new EngineError("invalid_argument", `seed must be an integer in [0, ${MAX_SEED}], got ${seed}`);
  }
}

/** A fresh seed for callers that gave none; returned in results so the image can be reproduced. */
export function randomSeed(): number {
  return randomInt(0, MAX_SEED + 1);
}
