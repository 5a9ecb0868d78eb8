import { DbError } from "@unilip/db";
import { EngineError } from "@unilip/engine";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { ApiError } from "./errors.ts";
import { RETRY_AFTER_SECONDS } from "./limits.ts";
import { createOnError, describeCause, toApiError } from "./on-error.ts";
import { QueueError } from "./queue/job-queue.ts";

function appThrowing(error: unknown) {
  const logged: unknown[] = [];
  const app = new Hono();
  app.onError(createOnError({ error: (...args) => logged.push(args), info: () => {} }));
  app.get("/", () => {
    throw error;
  });
  return { app, logged };
}

describe("onError", () => {
  it("answers an ApiError with its status, headers and the OpenAI error object", async () => {
    const { app, logged } = appThrowing(
      new ApiError(400, "messages: too long", { param: "messages", code: "invalid_value" }),
    );
    const res = await app.request("/");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: "messages: too long",
        type: "invalid_request_error",
        param: "messages",
        code: "invalid_value",
      },
    });
    expect(logged).toEqual([]);
  });

  it("hides and logs the details of unexpected errors", async () => {
    const { app, logged } = appThrowing(new Error("connection string postgres://secret"));
    const res = await app.request("/");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("secret");
    expect(JSON.parse(text)).toMatchObject({ error: { type: "server_error", code: "internal_error" } });
    expect(JSON.stringify(logged)).toContain("postgres://secret");
  });

  it("sends Retry-After with a 429 for a full queue", async () => {
    const { app } = appThrowing(new QueueError("full", "The queue is full."));
    const res = await app.request("/");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
    expect(await res.json()).toMatchObject({ error: { type: "rate_limit_error", code: "queue_full" } });
  });
});

describe("toApiError", () => {
  it("maps engine, database, queue and HTTP errors to client or server statuses, keeping the cause", () => {
    const cases: [unknown, number, string | null][] = [
      [new EngineError("invalid_image", "cannot decode"), 400, "invalid_image"],
      [new EngineError("invalid_argument", "steps"), 400, "invalid_value"],
      [new EngineError("unsupported", "no edit graph"), 400, "unsupported"],
      [new EngineError("cancelled", "aborted"), 503, "cancelled"],
      [new EngineError("runtime", "onnx failed"), 500, "model_error"],
      [new DbError("not_found", "conversation not found"), 404, "not_found"],
      [new DbError("conflict", "the message is already complete"), 409, "conflict"],
      [new DbError("invalid", "the parent message is not in this conversation"), 400, "invalid_value"],
      [new DbError("unavailable", "the database is unavailable"), 503, "database_unavailable"],
      [new QueueError("closed", "shutting down"), 503, "shutting_down"],
      [new HTTPException(400, { message: "Malformed JSON in request body" }), 400, null],
      [new HTTPException(418), 500, null],
    ];
    for (const [error, status, code] of cases) {
      const apiError = toApiError(error);
      expect({ status: apiError.status, code: apiError.code }).toEqual({ status, code });
      expect(apiError.cause).toBe(error);
    }
    expect(toApiError(new DbError("not_found", "conversation not found")).message).toBe(
      "Conversation not found.",
    );
  });

  it("describes a cause chain for logs", () => {
    const error = new ApiError(500, "outer", { cause: new Error("inner", { cause: "root" }) });
    expect(describeCause(error)).toEqual(["ApiError: outer", "Error: inner", "root"]);
  });
});
