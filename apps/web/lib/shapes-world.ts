// The bundled demo model's "Shapes world", mirrored from training/unilip/world/scene.py so the UI's sample
// image and its description match what the model was trained on (shapes-world.test.ts checks the mirror).

export const SHAPES = ["circle", "square", "triangle", "star", "diamond", "cross"] as const;
export type ShapeKind = (typeof SHAPES)[number];

export type Rgb = readonly [r: number, g: number, b: number];

/** The eight flat colours of the training palette; anything else is out of distribution for the model. */
export const PALETTE = {
  red: [220, 30, 30],
  green: [20, 180, 40],
  blue: [30, 70, 230],
  yellow: [250, 230, 20],
  purple: [150, 40, 210],
  orange: [250, 120, 10],
  white: [250, 250, 250],
  black: [10, 10, 10],
} as const satisfies Record<string, Rgb>;
export type ColorName = keyof typeof PALETTE;
export const COLOR_NAMES = Object.keys(PALETTE) as ColorName[];

export const BACKGROUND: Rgb = [128, 128, 128];
/** The image side the world is defined at (scene.py IMAGE_SIZE); other sizes scale from it. */
export const REFERENCE_SIZE = 64;
/** The bundled model's input size (config.py `shapes()`), so the side the sample scene is drawn at. */
export const IMAGE_SIZE = 96;
/** Cells per side of the grid that objects sit on, one object per cell. */
export const GRID_SIDE = 3;
/** Side in pixels of an object's box at REFERENCE_SIZE. */
export const OBJECT_SIDES = { small: 14, large: 18 } as const;
export type ObjectSize = keyof typeof OBJECT_SIDES;
/** The most objects a training scene holds. */
export const MAX_OBJECTS = 4;

/**
 * Python's `round`: nearest integer, ties to the even one. Math.round sends ties up, and ties do arise
 * when the world is scaled (a 27 px box in a 32 px cell starts at 2.5), so pixels would shift by one.
 */
export function roundHalfEven(x: number): number {
  const nearest = Math.round(x);
  return nearest - x === 0.5 && nearest % 2 !== 0 ? nearest - 1 : nearest;
}

/** Side in pixels of an object's box at IMAGE_SIZE, scaled and rounded as render.py `box_side` does. */
export function objectSide(size: ObjectSize): number {
  return Math.max(1, roundHalfEven((OBJECT_SIDES[size] * IMAGE_SIZE) / REFERENCE_SIZE));
}

/** "a, b and c" (or "a, b or c") */
export function listWords(words: readonly string[], conjunction: "and" | "or" = "and"): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} ${conjunction} ${words.at(-1)}`;
}
