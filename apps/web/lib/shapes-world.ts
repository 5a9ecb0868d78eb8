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
/** The model's image side in pixels. */
export const IMAGE_SIZE = 64;
/** Cells per side of the grid that objects sit on, one object per cell. */
export const GRID_SIDE = 3;
/** Side in pixels of an object's box at IMAGE_SIZE. */
export const OBJECT_SIDES = { small: 14, large: 18 } as const;
export type ObjectSize = keyof typeof OBJECT_SIDES;
/** The most objects a training scene holds. */
export const MAX_OBJECTS = 4;

/** "a, b and c" (or "a, b or c") */
export function listWords(words: readonly string[], conjunction: "and" | "or" = "and"): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} ${conjunction} ${words.at(-1)}`;
}
