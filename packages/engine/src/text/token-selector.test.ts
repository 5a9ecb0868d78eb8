import { describe, expect, it } from "vitest";
import { argmax, createTokenSelector, drawIndex } from "./token-selector.ts";

const settings = { temperature: 1, topK: 0, topP: 1, seed: 7 };

describe("token selection", () => {
  it("argmax takes the first maximum", () => {
    expect(argmax(Float32Array.of(0, 5, 5, 1))).toBe(1);
  });

  it("drawIndex inverts the CDF and skips impossible tokens", () => {
    const probs = Float32Array.of(0.25, 0, 0.75);
    expect(drawIndex(probs, 0)).toBe(0);
    expect(drawIndex(probs, 0.3)).toBe(2);
    expect(drawIndex(Float32Array.of(0.5, 0.49999, 0), 0.999999)).toBe(1);
  });

  it("is greedy at temperature 0 whatever the seed", () => {
    const logits = Float32Array.of(0, 2, 1);
    expect(createTokenSelector({ ...settings, temperature: 0 })(logits)).toBe(1);
  });

  it("is reproducible for a seed and follows the distribution", () => {
    const logits = () => Float32Array.of(0, Math.log(3));
    const draw = (seed: number) => {
      const select = createTokenSelector({ ...settings, seed });
      return Array.from({ length: 4000 }, () => select(logits()));
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    const share = draw(3).filter((id) => id === 1).length / 4000;
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.78);
  });

  it("never draws a token top-k removed", () => {
    const select = createTokenSelector({ ...settings, topK: 1 });
    for (let i = 0; i < 50; i++) expect(select(Float32Array.of(0.1, 0, 0.2))).toBe(2);
  });
});
