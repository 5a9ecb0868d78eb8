// One error class for everything that can go wrong between the UI and the server, so components show
// any failure the same way.

export type ApiErrorKind =
  /** The server answered with an error status (OpenAI error object when it could). */
  | "http"
  /** The turn stream sent an `error` event. */
  | "stream"
  /** The request never got an answer (offline, server down). */
  | "network"
  /** The answer did not have the documented shape. */
  | "protocol"
  /** The user's own input was refused before it was sent. */
  | "input"
  /** Anything else: a bug on this side, reported rather than swallowed. */
  | "unexpected";

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly kind: ApiErrorKind;
  /** HTTP status, when there was one. */
  readonly status: number | null;
  /** The OpenAI error `type` (e.g. `invalid_request_error`), or the kind when the server sent none. */
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;

  constructor(
    message: string,
    options: {
      kind: ApiErrorKind;
      status?: number | null;
      type?: string;
      code?: string | number | null;
      param?: string | null;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.kind = options.kind;
    this.status = options.status ?? null;
    this.type = options.type ?? options.kind;
    this.code = options.code === undefined || options.code === null ? null : String(options.code);
    this.param = options.param ?? null;
  }
}

/** Any thrown value as an ApiError, keeping the original as `cause`. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(message, { kind: "unexpected", cause: error });
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}
