import { describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import { MAX_SEED } from "../limits.ts";
import { assertSeed, randomSeed } from "./seed.ts";

describe("seeds", () => {
  it("accepts exactly the unsigned 32-bit integers", () => {
    expect(() => assertSeed(0)).not.toThrow();
    expect(() => assertSeed(MAX_SEED)).not.toThrow();
    expect(() => assertSeed(MAX_SEED + 1)).toThrow(EngineError);
    expect(() => assertSeed(-1)).toThrow(EngineError);
  });

  it("draws random seeds that pass validation", () => {
    for (let i = 0; i < 100; i++) expect(() => assertSeed(randomSeed())).not.toThrow();
  });
});
