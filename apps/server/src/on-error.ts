// The one place where errors become responses. Client errors keep their message; anything else is logged
// with its cause chain and answered with a generic message, so database or model internals never leak.
import { DbError } from "@unilip/db";
import { EngineError } from "@unilip/engine";
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError, type ApiErrorStatus } from "./errors.ts";
import { RETRY_AFTER_SECONDS } from "./limits.ts";
import { QueueError } from "./queue/job-queue.ts";

export interface Logger {
  error(message: string, details?: unknown): void;
  info(message: string, details?: unknown): void;
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof EngineError) return fromEngineError(err);
  if (err instanceof QueueError) return fromQueueError(err);
  if (err instanceof DbError) return fromDbError(err);
  if (err instanceof HTTPException) return fromHttpException(err);
  return new ApiError(500, "Internal server error.", { code: "internal_error", cause: err });
}

function fromEngineError(err: EngineError): ApiError {
  switch (err.code) {
    case "invalid_image":
      return new ApiError(400, err.message, { code: "invalid_image", cause: err });
    case "invalid_argument":
      return new ApiError(400, err.message, { code: "invalid_value", cause: err });
    case "unsupported":
      return new ApiError(400, err.message, { code: "unsupported", cause: err });
    case "cancelled":
      return new ApiError(503, "The request was cancelled before it finished.", {
        code: "cancelled",
        cause: err,
      });
    default:
      return new ApiError(500, "The model failed to run this request.", { code: "model_error", cause: err });
  }
}

function fromQueueError(err: QueueError): ApiError {
  if (err.code === "full") {
    return new ApiError(429, `${err.message} Retry in ${RETRY_AFTER_SECONDS} seconds.`, {
      code: "queue_full",
      headers: { "Retry-After": String(RETRY_AFTER_SECONDS) },
      cause: err,
    });
  }
  return new ApiError(503, err.message, {
    code: err.code === "closed" ? "shutting_down" : "cancelled",
    cause: err,
  });
}

// DbError messages are written to be shown; the driver's details stay in `cause`, which is only logged.
function fromDbError(err: DbError): ApiError {
  switch (err.code) {
    case "not_found":
      return new ApiError(404, capitalize(err.message), { code: "not_found", cause: err });
    case "conflict":
      return new ApiError(409, capitalize(err.message), { code: "conflict", cause: err });
    case "invalid":
      return new ApiError(400, capitalize(err.message), { code: "invalid_value", cause: err });
    default:
      return new ApiError(503, "The database is unavailable.", { code: "database_unavailable", cause: err });
  }
}

function capitalize(message: string): string {
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}

function fromHttpException(err: HTTPException): ApiError {
  const known: Record<number, ApiErrorStatus> = { 400: 400, 401: 401, 404: 404, 413: 413, 415: 415 };
  const status = known[err.status] ?? 500;
  const message = status === 500 ? "Internal server error." : err.message || "Bad request.";
  return new ApiError(status, message, { cause: err });
}

export function createOnError(log: Logger): ErrorHandler {
  return function onError(err: unknown, c: Context) {
    const apiError = toApiError(err);
    if (apiError.status >= 500) {
      log.error(`${c.req.method} ${c.req.path} failed`, describeCause(err));
    }
    return c.json(apiError.toBody(), apiError.status, apiError.headers);
  };
}

/** The message chain of an error and its causes, for logs. */
export function describeCause(err: unknown): string[] {
  const chain: string[] = [];
  let current: unknown = err;
  while (current !== undefined && chain.length < 8) {
    chain.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}
