import { describe, expect, it } from "vitest";
import { EXAMPLES } from "./examples.ts";
import { SAMPLE_SCENE } from "./sample-scene.ts";

// training/unilip/world/split.py: (shape, colour) pairs that training never shows.
const HELDOUT = new Set([
  "circle orange",
  "square purple",
  "triangle blue",
  "star white",
  "diamond yellow",
  "cross red",
  "triangle black",
  "circle green",
]);

describe("example prompts", () => {
  it("are lower case, as every training request is", () => {
    for (const { text } of EXAMPLES) expect(text).toBe(text.toLowerCase());
  });

  it("offer a question and an edit about the sample, and a drawing without it", () => {
    expect(EXAMPLES.map((e) => e.withSample)).toEqual([true, false, true]);
  });

  it("edit an object the sample holds once, into a pairing that training shows", () => {
    const edit = EXAMPLES[2]?.text.match(/^make the (\w+) (\w+)$/);
    expect(edit).not.toBeNull();
    const [, shape, color] = edit ?? [];
    expect(SAMPLE_SCENE.filter((o) => o.shape === shape)).toHaveLength(1);
    expect(HELDOUT.has(`${shape} ${color}`)).toBe(false);
    for (const o of SAMPLE_SCENE) expect(HELDOUT.has(`${o.shape} ${o.color}`)).toBe(false);
  });
});
