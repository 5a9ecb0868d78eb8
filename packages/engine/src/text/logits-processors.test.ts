import { describe, expect, it } from "vitest";
import { composeProcessors, softmax, temperature, topK, topP } from "./logits-processors.ts";

const logits = () => Float32Array.of(1, 3, 2, 0);

describe("logits processors", () => {
  it("temperature divides every logit", () => {
    expect([...temperature(2)(logits())]).toEqual([0.5, 1.5, 1, 0]);
  });

  it("top-k keeps the k largest and is off at 0", () => {
    expect([...topK(2)(logits())]).toEqual([-Infinity, 3, 2, -Infinity]);
    expect([...topK(0)(logits())]).toEqual([1, 3, 2, 0]);
  });

  it("top-p keeps the smallest head reaching p, and at least one token", () => {
    const probs = softmax(logits()); // order 1, 2, 0, 3
    const p = (probs[1] as number) + (probs[2] as number) - 1e-6;
    expect([...topP(p)(logits())]).toEqual([-Infinity, 3, 2, -Infinity]);
    expect([...topP(1e-9)(logits())]).toEqual([-Infinity, 3, -Infinity, -Infinity]);
    expect([...topP(1)(logits())]).toEqual([1, 3, 2, 0]);
  });

  it("composes in order", () => {
    const process = composeProcessors([topK(1), temperature(0.5)]);
    expect([...process(logits())]).toEqual([-Infinity, 6, -Infinity, -Infinity]);
  });

  it("softmax is stable for large logits and ignores -Infinity", () => {
    const probs = softmax(Float32Array.of(1000, 1000, -Infinity));
    expect([...probs]).toEqual([0.5, 0.5, 0]);
  });
});
