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
import { BACKGROUND, GRID_SIDE, IMAGE_SIZE, OBJECT_SIDES, PALETTE, SHAPES } from "./shapes-world.ts";

// The sample scene as training/unilip/world/render.py draws it at the model's 96 px, from
//   cd training && python3 -c "import collections, hashlib; from unilip.world.render import render;
//   from unilip.world.scene import Obj, Scene; img = render(Scene((Obj('circle', 'red', 'large', 'top middle'),
//   Obj('square', 'blue', 'small', 'center'), Obj('triangle', 'yellow', 'large', 'bottom right'))), 96);
//   print(hashlib.sha256(img.tobytes()).hexdigest()); i = img.astype(int);
//   print((i[..., 0] + 2 * i[..., 1] + 3 * i[..., 2]).sum()); print(collections.Counter(map(tuple, i.reshape(-1, 3).tolist())))"
/** sha256 of the RGB bytes: pins every pixel. */
const SAMPLE_RGB_SHA256 = "0c0896a8db00d78888a916bdcd2961c60de95287132b404b89241de84f95bcf4";
/** Sum of r + 2g + 3b over all pixels, and pixels per colour: say how far a mismatch is off. */
const SAMPLE_CHECKSUM = 6_889_544;
const SAMPLE_COLOR_COUNTS = { background: 7833, red: 577, blue: 441, yellow: 365 };

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

function checksum(rgbBytes: Buffer): number {
  return rgbBytes.reduce((sum, value, i) => sum + value * ((i % 3) + 1), 0);
}

/** Pixels per colour, keyed by palette name ("background" for the grey); throws on any other colour. */
function colorCounts(rgbBytes: Buffer): Record<string, number> {
  const names = new Map(
    [["background", BACKGROUND] as const, ...Object.entries(PALETTE)].map(([n, c]) => [c.join(), n]),
  );
  const counts: Record<string, number> = {};
  for (let i = 0; i < rgbBytes.length; i += 3) {
    const color = Array.from(rgbBytes.subarray(i, i + 3)).join();
    const name = names.get(color);
    if (name === undefined) throw new Error(`pixel ${i / 3} is ${color}, not a palette colour`);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
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

  it("has the training renderer's checksum and pixels per colour", () => {
    const rgbBytes = rgb(scenePixels(SAMPLE_SCENE));
    expect(colorCounts(rgbBytes)).toEqual(SAMPLE_COLOR_COUNTS);
    expect(checksum(rgbBytes)).toBe(SAMPLE_CHECKSUM);
  });

  it("is IMAGE_SIZE square and fully opaque", () => {
    const pixels = scenePixels(SAMPLE_SCENE);
    expect(pixels).toHaveLength(IMAGE_SIZE * IMAGE_SIZE * 4);
    expect(pixels.filter((_, i) => i % 4 === 3).every((alpha) => alpha === 255)).toBe(true);
  });
});

describe("objectBox", () => {
  // (top, left) per cell, row by row, from
  //   cd training && python3 -c "from unilip.world.render import object_box; from unilip.world.scene import GRID, Obj;
  //   print([[object_box(Obj('circle', 'red', size, c), 96)[:2] for c in GRID] for size in ('small', 'large')])"
  // The large box starts on .5 ties (16 - 13.5 = 2.5 -> 2), which round half to even decides.
  const CORNERS = {
    small: [
      [6, 6],
      [6, 38],
      [6, 70],
      [38, 6],
      [38, 38],
      [38, 70],
      [70, 6],
      [70, 38],
      [70, 70],
    ],
    large: [
      [2, 2],
      [2, 34],
      [2, 66],
      [34, 2],
      [34, 34],
      [34, 66],
      [66, 2],
      [66, 34],
      [66, 66],
    ],
  } as const;
  const SIDES = { small: 21, large: 27 } as const;

  for (const size of ["small", "large"] as const) {
    it(`places a ${size} box in every cell as render.py does at 96 px`, () => {
      const boxes = CORNERS[size].map((_, cell) =>
        objectBox({
          shape: "circle",
          color: "red",
          size,
          row: Math.floor(cell / GRID_SIDE),
          col: cell % GRID_SIDE,
        }),
      );
      expect(boxes).toEqual(CORNERS[size].map(([top, left]) => ({ top, left, side: SIDES[size] })));
    });
  }

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
