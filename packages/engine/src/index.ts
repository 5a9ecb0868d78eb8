export { type LoadEngineOptions, loadEngine, TEXT_DEFAULTS } from "./engine.ts";
export { EngineError, type EngineErrorCode } from "./errors.ts";
export { type NormalizedImage, normalizeImage } from "./image/normalize-image.ts";
export * from "./limits.ts";
export { DEFAULT_MODEL_DIR, SHAPES_MODEL_DIR, TINY_RANDOM_MODEL_DIR } from "./model-dir.ts";
export type { TextOutcome } from "./text/generate-text.ts";
export type * from "./types.ts";
