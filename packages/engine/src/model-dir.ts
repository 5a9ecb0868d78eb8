// Where the engine looks for a model when none is named: the trained Shapes model when it has been
// built, else the committed tiny random-weight package (enough to exercise every code path).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const MODELS_DIR = fileURLToPath(new URL("../../../models/", import.meta.url));

export const SHAPES_MODEL_DIR = `${MODELS_DIR}shapes`;
export const TINY_RANDOM_MODEL_DIR = `${MODELS_DIR}tiny-random`;

export const DEFAULT_MODEL_DIR = existsSync(`${SHAPES_MODEL_DIR}/unilip.json`)
  ? SHAPES_MODEL_DIR
  : TINY_RANDOM_MODEL_DIR;
