// The sample image for the example prompts: a scene from the demo model's "Shapes world" (flat shapes on
// a 3x3 grid, plain background), drawn on a canvas in the browser so no binary is committed.

export type ShapeKind = "circle" | "square" | "triangle" | "star";

export interface SceneObject {
  shape: ShapeKind;
  /** CSS colour. */
  color: string;
  /** Grid cell, 0..GRID_CELLS-1 from the top left. */
  row: number;
  col: number;
}

export const GRID_CELLS = 3;
/** The demo model's image size. */
export const SAMPLE_IMAGE_SIZE = 64;
export const SAMPLE_BACKGROUND = "#ffffff";

/** A red circle above a blue square, with a yellow triangle beside them. */
export const SAMPLE_SCENE: readonly SceneObject[] = [
  { shape: "circle", color: "#dc2828", row: 0, col: 1 },
  { shape: "square", color: "#2850dc", row: 1, col: 1 },
  { shape: "triangle", color: "#f0c81e", row: 2, col: 2 },
];

export type Point = readonly [x: number, y: number];

/** Shapes fill this share of their cell, leaving a margin so neighbours never touch. */
const FILL = 0.8;
const STAR_POINTS = 5;
const STAR_INNER_RATIO = 0.45;

export interface CellBox {
  cx: number;
  cy: number;
  /** Half the drawn size. */
  radius: number;
}

export function cellBox(object: Pick<SceneObject, "row" | "col">, size: number): CellBox {
  if (!Number.isInteger(object.row) || object.row < 0 || object.row >= GRID_CELLS) {
    throw new RangeError(`row ${object.row} is outside the ${GRID_CELLS}x${GRID_CELLS} grid`);
  }
  if (!Number.isInteger(object.col) || object.col < 0 || object.col >= GRID_CELLS) {
    throw new RangeError(`col ${object.col} is outside the ${GRID_CELLS}x${GRID_CELLS} grid`);
  }
  const cell = size / GRID_CELLS;
  return { cx: (object.col + 0.5) * cell, cy: (object.row + 0.5) * cell, radius: (cell * FILL) / 2 };
}

/** The outline of a polygonal shape (all but the circle), clockwise from the top. */
export function polygon(shape: Exclude<ShapeKind, "circle">, box: CellBox): Point[] {
  const { cx, cy, radius: r } = box;
  switch (shape) {
    case "square":
      return [
        [cx - r, cy - r],
        [cx + r, cy - r],
        [cx + r, cy + r],
        [cx - r, cy + r],
      ];
    case "triangle":
      return [
        [cx, cy - r],
        [cx + r, cy + r],
        [cx - r, cy + r],
      ];
    case "star":
      return Array.from({ length: STAR_POINTS * 2 }, (_, i): Point => {
        const angle = -Math.PI / 2 + (i * Math.PI) / STAR_POINTS;
        const radius = i % 2 === 0 ? r : r * STAR_INNER_RATIO;
        return [cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)];
      });
  }
}

type Canvas2D = Pick<
  CanvasRenderingContext2D,
  "fillStyle" | "fillRect" | "beginPath" | "arc" | "moveTo" | "lineTo" | "closePath" | "fill"
>;

export function drawScene(ctx: Canvas2D, scene: readonly SceneObject[], size: number): void {
  ctx.fillStyle = SAMPLE_BACKGROUND;
  ctx.fillRect(0, 0, size, size);
  for (const object of scene) {
    const box = cellBox(object, size);
    ctx.fillStyle = object.color;
    ctx.beginPath();
    if (object.shape === "circle") ctx.arc(box.cx, box.cy, box.radius, 0, Math.PI * 2);
    else {
      const [first, ...rest] = polygon(object.shape, box);
      if (first) ctx.moveTo(first[0], first[1]);
      for (const [x, y] of rest) ctx.lineTo(x, y);
      ctx.closePath();
    }
    ctx.fill();
  }
}

/** The sample scene as a PNG blob (browser only). */
export function renderSampleImage(scene: readonly SceneObject[] = SAMPLE_SCENE): Promise<Blob> {
  const canvas = document.createElement("canvas");
  canvas.width = SAMPLE_IMAGE_SIZE;
  canvas.height = SAMPLE_IMAGE_SIZE;
  const ctx = canvas.getContext("2d");
  if (!ctx) return Promise.reject(new Error("This browser cannot draw on a canvas."));
  drawScene(ctx, scene, SAMPLE_IMAGE_SIZE);
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("The canvas gave no PNG."))),
      "image/png",
    );
  });
}
