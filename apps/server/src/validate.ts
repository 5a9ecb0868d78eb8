// zod at the edge: request bodies are parsed here and nowhere else. The first issue becomes a 400 whose
// `param` names the offending field the way OpenAI does (`messages[0].content`).
import type { Context } from "hono";
import { validator } from "hono/validator";
import type { z } from "zod";
import { ApiError, invalidRequest } from "./errors.ts";

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const FORM_MEDIA_TYPE = /^multipart\/form-data$/i;

export function paramOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`;
    return out === "" ? String(key) : `${out}.${String(key)}`;
  }, "");
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue ? paramOf(issue.path) : "";
  const message = issue ? `${param ? `${param}: ` : ""}${issue.message}` : "Invalid request.";
  throw invalidRequest(message, {
    param: param || undefined,
    code: issue?.code === "invalid_type" ? "invalid_type" : "invalid_value",
    cause: result.error,
  });
}

function requireMediaType(c: Context, pattern: RegExp, expected: string): void {
  const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
  if (!pattern.test(mediaType)) {
    throw new ApiError(415, `Expected a ${expected} body, got '${mediaType || "none"}'.`, {
      code: "unsupported_media_type",
    });
  }
}

export function jsonBody<S extends z.ZodType>(schema: S) {
  return validator("json", (value, c): z.output<S> => {
    requireMediaType(c, JSON_MEDIA_TYPE, "application/json");
    return parseWith(schema, value);
  });
}

export function formBody<S extends z.ZodType>(schema: S) {
  return validator("form", (value, c): z.output<S> => {
    requireMediaType(c, FORM_MEDIA_TYPE, "multipart/form-data");
    return parseWith(schema, value);
  });
}
