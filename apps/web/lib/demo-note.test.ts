import { describe, expect, it } from "vitest";
import { DEMO_NOTE } from "./demo-note.ts";
import { COLOR_NAMES, SHAPES } from "./shapes-world.ts";

describe("the demo note", () => {
  it("names every shape and colour of the world, its grid and its grey background", () => {
    for (const shape of SHAPES) expect(DEMO_NOTE).toContain(shape === "cross" ? "crosses" : `${shape}s`);
    for (const color of COLOR_NAMES) expect(DEMO_NOTE).toContain(color);
    expect(DEMO_NOTE).toContain("96×96 images of up to 4 ");
    expect(DEMO_NOTE).toContain("3×3 grid over a grey background");
    expect(DEMO_NOTE).toContain("diamonds or crosses in red, green");
  });
});
