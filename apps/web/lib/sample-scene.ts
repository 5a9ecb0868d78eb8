// The sample image for the example prompts: a Shapes-world scene drawn pixel for pixel as the training
// renderer draws it (training/unilip/world/render.py and geometry.py: flat palette colours on grey, no
// anti-aliasing), so the bundled model sees an in-distribution image. Drawn in the browser, so no binary
// is committed.
import {
  BACKGROUND,
  type ColorName,
  GRID_SIDE,
  IMAGE_SIZE,
  listWords,
  type ObjectSize,
  objectSide,
  PALETTE,
  roundHalfEven,
  type ShapeKind,
} from "./shapes-world.ts";

export interface SceneObject {
  shape: ShapeKind;
  color: ColorName;
  size: ObjectSize;
  /** Grid cell, 0..GRID_SIDE-1 from the top left. */
  row: number;
  col: number;
}

/** A red circle above a blue square, a yellow triangle at the bottom right; no held-out colour pairing. */
export const SAMPLE_SCENE: readonly SceneObject[] = [
  { shape: "circle", color: "red", size: "large", row: 0, col: 1 },
  { shape: "square", color: "blue", size: "small", row: 1, col: 1 },
  { shape: "triangle", color: "yellow", size: "large", row: 2, col: 2 },
];

const ROW_NAMES = ["top", "middle", "bottom"] as const;
const COL_NAMES = ["left", "middle", "right"] as const;

/** The training world's name for a cell: "top left" ... "center" ... "bottom right". */
export function cellName(row: number, col: number): string {
  checkCell(row, col);
  return row === 1 && col === 1 ? "center" : `${ROW_NAMES[row]} ${COL_NAMES[col]}`;
}

/** Alt text for a scene, in the world's own words. */
export function describeScene(scene: readonly SceneObject[]): string {
  const things = scene.map((o) => `a ${o.size} ${o.color} ${o.shape} at the ${cellName(o.row, o.col)}`);
  return `${listWords(things)}, on a grey background`;
}

function checkCell(row: number, col: number): void {
  for (const [name, value] of [
    ["row", row],
    ["col", col],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value >= GRID_SIDE) {
      throw new RangeError(`${name} ${value} is outside the ${GRID_SIDE}x${GRID_SIDE} grid`);
    }
  }
}

export interface ObjectBox {
  top: number;
  left: number;
  side: number;
}

/** The box an object is drawn in, centred in its cell; the same arithmetic as render.py `object_box`. */
export function objectBox(object: SceneObject): ObjectBox {
  checkCell(object.row, object.col);
  const side = objectSide(object.size);
  const cell = IMAGE_SIZE / GRID_SIDE;
  return {
    top: roundHalfEven((object.row + 0.5) * cell - side / 2),
    left: roundHalfEven((object.col + 0.5) * cell - side / 2),
    side,
  };
}

const STAR_POINTS = 5;
/** Inner over outer radius, as in geometry.py. */
const STAR_INNER_RATIO = 0.5;
/** Half-width of the cross's arms, in units of the box half-side. */
const CROSS_ARM = 1 / 3;

type Point = readonly [u: number, v: number];

/** Star vertices, point up, stretched so their bounding box is exactly [-1, 1]^2. */
function starPolygon(): Point[] {
  const raw = Array.from({ length: STAR_POINTS * 2 }, (_, k): Point => {
    const radius = k % 2 === 0 ? 1 : STAR_INNER_RATIO;
    const angle = -Math.PI / 2 + (Math.PI * k) / STAR_POINTS;
    return [radius * Math.cos(angle), radius * Math.sin(angle)];
  });
  const us = raw.map((p) => p[0]);
  const vs = raw.map((p) => p[1]);
  const [uLow, uHigh, vLow, vHigh] = [Math.min(...us), Math.max(...us), Math.min(...vs), Math.max(...vs)];
  return raw.map(([u, v]) => [(2 * (u - uLow)) / (uHigh - uLow) - 1, (2 * (v - vLow)) / (vHigh - vLow) - 1]);
}

const STAR = starPolygon();

/** Even-odd rule: inside when a ray to the right crosses the outline an odd number of times. */
function insidePolygon(u: number, v: number, polygon: readonly Point[]): boolean {
  let inside = false;
  polygon.forEach(([u0, v0], i) => {
    const [u1, v1] = polygon[(i + 1) % polygon.length] as Point;
    if (v0 > v !== v1 > v && u < u0 + ((v - v0) * (u1 - u0)) / (v1 - v0)) inside = !inside;
  });
  return inside;
}

/** Membership in normalised box coordinates (u right, v down, both in [-1, 1]); geometry.py `_inside`. */
export function insideShape(shape: ShapeKind, u: number, v: number): boolean {
  const au = Math.abs(u);
  const av = Math.abs(v);
  switch (shape) {
    case "circle":
      return u ** 2 + v ** 2 <= 1;
    case "square":
      return au <= 1 && av <= 1;
    case "diamond":
      return au + av <= 1;
    case "triangle":
      return au <= (v + 1) / 2;
    case "cross":
      return (au <= CROSS_ARM && av <= 1) || (av <= CROSS_ARM && au <= 1);
    case "star":
      return insidePolygon(u, v, STAR);
  }
}

/** The scene as RGBA pixels, IMAGE_SIZE x IMAGE_SIZE, row by row; shapes sampled at pixel centres. */
export function scenePixels(scene: readonly SceneObject[]): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(IMAGE_SIZE * IMAGE_SIZE * 4); // (H, W, RGBA)
  const paint = (y: number, x: number, [r, g, b]: readonly number[]) => {
    pixels.set([r ?? 0, g ?? 0, b ?? 0, 255], (y * IMAGE_SIZE + x) * 4);
  };
  for (let y = 0; y < IMAGE_SIZE; y++) for (let x = 0; x < IMAGE_SIZE; x++) paint(y, x, BACKGROUND);
  for (const object of scene) {
    const { top, left, side } = objectBox(object);
    for (let i = 0; i < side; i++) {
      for (let j = 0; j < side; j++) {
        const v = ((i + 0.5) / side) * 2 - 1;
        const u = ((j + 0.5) / side) * 2 - 1;
        if (insideShape(object.shape, u, v)) paint(top + i, left + j, PALETTE[object.color]);
      }
    }
  }
  return pixels;
}

/** The sample scene as a PNG blob (browser only). */
export function renderSampleImage(scene: readonly SceneObject[] = SAMPLE_SCENE): Promise<Blob> {
  const canvas = document.createElement("canvas");
  canvas.width = IMAGE_SIZE;
  canvas.height = IMAGE_SIZE;
  const ctx = canvas.getContext("2d");
  if (!ctx) return Promise.reject(new Error("This browser cannot draw on a canvas."));
  ctx.putImageData(new ImageData(scenePixels(scene), IMAGE_SIZE, IMAGE_SIZE), 0, 0);
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("The canvas gave no PNG."))),
      "image/png",
    );
  });
}
