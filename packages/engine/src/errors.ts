// One error class per failure kind so callers map them without reading messages.
export type EngineErrorCode =
  | "invalid_package"
  | "invalid_image"
  | "invalid_argument"
  | "cancelled"
  | "unsupported"
  | "runtime";

export class EngineError extends Error {
  override readonly name = "EngineError";
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
