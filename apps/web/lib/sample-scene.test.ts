import { describe, expect, it } from "vitest";
import { cellBox, drawScene, GRID_CELLS, polygon, SAMPLE_SCENE } from "./sample-scene.ts";

describe("cellBox", () => {
  it("centres shapes in their grid cell", () => {
    expect(cellBox({ row: 0, col: 0 }, 90)).toEqual({ cx: 15, cy: 15, radius: 12 });
    expect(cellBox({ row: 2, col: 1 }, 90)).toMatchObject({ cx: 45, cy: 75 });
  });

  it("refuses cells outside the grid", () => {
    expect(() => cellBox({ row: GRID_CELLS, col: 0 }, 64)).toThrow(RangeError);
    expect(() => cellBox({ row: 0, col: 0.5 }, 64)).toThrow(/col 0.5/);
  });
});

describe("polygon", () => {
  const box = { cx: 50, cy: 50, radius: 10 };

  it("draws squares, triangles and five-pointed stars inside the box", () => {
    expect(polygon("square", box)).toHaveLength(4);
    expect(polygon("triangle", box)[0]).toEqual([50, 40]);
    const star = polygon("star", box);
    expect(star).toHaveLength(10);
    for (const [x, y] of star) {
      expect(Math.hypot(x - 50, y - 50)).toBeLessThanOrEqual(10 + 1e-9);
    }
  });
});

describe("drawScene", () => {
  it("fills the background, then one path per object in its colour", () => {
    const calls: string[] = [];
    const ctx = {
      fillStyle: "",
      fillRect: () => calls.push("background"),
      beginPath: () => undefined,
      arc: () => calls.push("arc"),
      moveTo: () => undefined,
      lineTo: () => undefined,
      closePath: () => undefined,
      fill() {
        calls.push(`fill ${this.fillStyle}`);
      },
    };
    drawScene(ctx, SAMPLE_SCENE, 64);
    expect(calls).toEqual(["background", "arc", "fill #dc2828", "fill #2850dc", "fill #f0c81e"]);
  });
});
