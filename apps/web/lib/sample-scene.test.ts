import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  cellName,
  describeScene,
  insideShape,
  objectBox,
  SAMPLE_SCENE,
  type SceneObject,
  scenePixels,
} from "./sample-scene.ts";
// Written by training/unilip/world/geometry.py shape_mask for every shape at both object sizes:
//   python3 -c "from unilip.world.geometry import shape_mask; ..." (one '#' per pixel inside).
import goldenMasks from "./shape-masks.golden.json" with { type: "json" };
import { BACKGROUND, IMAGE_SIZE, OBJECT_SIDES, PALETTE, SHAPES } from "./shapes-world.ts";

/** sha256 of the sample scene's RGB bytes as training/unilip/world/render.py draws it. */
const SAMPLE_RGB_SHA256 = "ce840aab3caeb5e92e8421a20a0a7c81a5e50d2516888fd5d24461368dae9a41";

function mask(shape: (typeof SHAPES)[number], side: number): string[] {
  return Array.from({ length: side }, (_, i) =>
    Array.from({ length: side }, (_, j) =>
      insideShape(shape, ((j + 0.5) / side) * 2 - 1, ((i + 0.5) / side) * 2 - 1) ? "#" : ".",
    ).join(""),
  );
}

function rgb(pixels: Uint8ClampedArray): Buffer {
  return Buffer.from(pixels.filter((_, i) => i % 4 !== 3));
}

describe("insideShape", () => {
  for (const shape of SHAPES) {
    for (const side of Object.values(OBJECT_SIDES)) {
      it(`draws a ${side} px ${shape} exactly as training does`, () => {
        expect(mask(shape, side)).toEqual(goldenMasks[`${shape} ${side}` as keyof typeof goldenMasks]);
      });
    }
  }
});

describe("scenePixels", () => {
  it("matches the training renderer byte for byte", () => {
    const hash = createHash("sha256")
      .update(rgb(scenePixels(SAMPLE_SCENE)))
      .digest("hex");
    expect(hash).toBe(SAMPLE_RGB_SHA256);
  });

  it("uses only palette colours on the grey background, fully opaque", () => {
    const pixels = scenePixels(SAMPLE_SCENE);
    expect(pixels).toHaveLength(IMAGE_SIZE * IMAGE_SIZE * 4);
    const allowed = new Set([BACKGROUND, ...Object.values(PALETTE)].map((c) => c.join()));
    const seen = new Set<string>();
    for (let i = 0; i < pixels.length; i += 4) {
      expect(pixels[i + 3]).toBe(255);
      seen.add(Array.from(pixels.subarray(i, i + 3)).join());
    }
    expect([...seen].every((c) => allowed.has(c))).toBe(true);
    expect(seen).toEqual(
      new Set([BACKGROUND, PALETTE.red, PALETTE.blue, PALETTE.yellow].map((c) => c.join())),
    );
  });
});

describe("objectBox", () => {
  it("centres 14 and 18 px boxes in their cell", () => {
    expect(SAMPLE_SCENE.map(objectBox)).toEqual([
      { top: 2, left: 23, side: 18 },
      { top: 25, left: 25, side: 14 },
      { top: 44, left: 44, side: 18 },
    ]);
  });

  it("refuses cells outside the grid", () => {
    const object: SceneObject = { shape: "star", color: "white", size: "small", row: 3, col: 0 };
    expect(() => objectBox(object)).toThrow(RangeError);
    expect(() => objectBox({ ...object, row: 0, col: 0.5 })).toThrow(/col 0.5/);
  });
});

describe("describeScene", () => {
  it("names cells and objects in the world's words", () => {
    expect(cellName(1, 1)).toBe("center");
    expect(cellName(0, 2)).toBe("top right");
    expect(describeScene(SAMPLE_SCENE)).toBe(
      "a large red circle at the top middle, a small blue square at the center and " +
        "a large yellow triangle at the bottom right, on a grey background",
    );
  });
});
