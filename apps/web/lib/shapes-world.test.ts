import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BACKGROUND,
  IMAGE_SIZE,
  listWords,
  MAX_OBJECTS,
  OBJECT_SIDES,
  objectSide,
  PALETTE,
  REFERENCE_SIZE,
  roundHalfEven,
  SHAPES,
} from "./shapes-world.ts";

// The training code is the source of truth; these fail when it changes and the UI's copy does not.
const TRAINING = join(import.meta.dirname, "..", "..", "..", "training", "unilip");
const SCENE_PY = readFileSync(join(TRAINING, "world", "scene.py"), "utf8");
const CONFIG_PY = readFileSync(join(TRAINING, "config.py"), "utf8");

describe("the Shapes world mirror", () => {
  it("has the training shapes, in order", () => {
    const shapes = SCENE_PY.match(/^SHAPES = \(([^)]*)\)/m)?.[1];
    expect(shapes?.match(/"(\w+)"/g)?.map((s) => s.slice(1, -1))).toEqual([...SHAPES]);
  });

  it("has the training palette and background", () => {
    const colors = [...SCENE_PY.matchAll(/^ {4}"(\w+)": \((\d+), (\d+), (\d+)\),$/gm)].map((m) => [
      m[1],
      [Number(m[2]), Number(m[3]), Number(m[4])],
    ]);
    expect(Object.fromEntries(colors)).toEqual(PALETTE);
    expect(SCENE_PY).toContain(`BACKGROUND: tuple[int, int, int] = (${BACKGROUND.join(", ")})`);
  });

  it("has the training object sizes and object limit", () => {
    expect(SCENE_PY).toContain(
      `SIZES: dict[str, int] = {"small": ${OBJECT_SIDES.small}, "large": ${OBJECT_SIDES.large}}`,
    );
    expect(SCENE_PY).toContain(`MAX_OBJECTS = ${MAX_OBJECTS}`);
  });

  it("defines the world at the training reference size and draws at the bundled model's size", () => {
    expect(SCENE_PY).toContain(`IMAGE_SIZE = ${REFERENCE_SIZE}\n`);
    const bundledModel = CONFIG_PY.match(/^def shapes\(.*?(?=^def |(?![\s\S]))/ms)?.[0];
    expect(bundledModel).toContain(`VisionConfig(image_size=${IMAGE_SIZE},`);
  });
});

describe("roundHalfEven", () => {
  it("rounds as Python's round does: ties to the even integer", () => {
    expect([0.5, 1.5, 2.5, 5.5, 34.5, 66.5, 69.5].map(roundHalfEven)).toEqual([0, 2, 2, 6, 34, 66, 70]);
    expect([-1.5, -2.5, -3.5].map(roundHalfEven)).toEqual([-2, -2, -4]);
  });

  it("rounds everything else to the nearest integer", () => {
    expect([2.4999999, 2.5000001, 3, 15.75, -2.6].map(roundHalfEven)).toEqual([2, 3, 3, 16, -3]);
  });
});

describe("objectSide", () => {
  it("scales the reference sides to the model's image size as render.py box_side does", () => {
    // cd training && python3 -c "from unilip.world.render import box_side; print(box_side('small', 96), box_side('large', 96))"
    expect([objectSide("small"), objectSide("large")]).toEqual([21, 27]);
  });
});

describe("listWords", () => {
  it("joins words as a sentence does", () => {
    expect(listWords([])).toBe("");
    expect(listWords(["red"])).toBe("red");
    expect(listWords(["red", "green", "blue"])).toBe("red, green and blue");
    expect(listWords(["red", "green"], "or")).toBe("red or green");
  });
});
