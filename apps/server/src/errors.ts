// The server's one error class. Every failure a client can cause becomes an ApiError with a 4xx status;
// `onError` (src/on-error.ts) turns it into the OpenAI error object.

export type ApiErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "not_found_error"
  | "rate_limit_error"
  | "server_error";

export type ApiErrorStatus = 400 | 401 | 404 | 409 | 413 | 415 | 429 | 500 | 503;

/** The OpenAI error object, as the official clients parse it. */
export interface ErrorBody {
  error: { message: string; type: ApiErrorType; param: string | null; code: string | null };
}

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: ApiErrorStatus;
  readonly type: ApiErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(
    status: ApiErrorStatus,
    message: string,
    options: {
      type?: ApiErrorType;
      code?: string;
      param?: string;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = status;
    this.type = options.type ?? defaultType(status);
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

function defaultType(status: ApiErrorStatus): ApiErrorType {
  if (status === 401) return "authentication_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

export function invalidRequest(
  message: string,
  options: { param?: string; code?: string; cause?: unknown } = {},
): ApiError {
  return new ApiError(400, message, { code: "invalid_value", ...options });
}

export function notFound(what: string, id: string): ApiError {
  return new ApiError(404, `No ${what} with id '${id}'.`, { code: `${what.replace(/ /g, "_")}_not_found` });
}
