// Typed functions for the server's app API. Paths are relative: the server serves this UI, so the
// browser talks to one origin.
import type { z } from "zod";
import {
  type Conversation,
  type ConversationDetail,
  conversationDetailSchema,
  conversationListSchema,
  conversationSchema,
  errorBodySchema,
  type ImageMeta,
  imageMetaSchema,
  lineageSchema,
  type ModelDefaults,
  modelListSchema,
  type RegenerateBody,
  type SendMessageBody,
} from "./api-types.ts";
import { ApiError } from "./errors.ts";
import { readSseEvents } from "./sse.ts";
import { parseTurnEvent, type TurnEvent } from "./turn-events.ts";

export interface RequestOptions {
  signal?: AbortSignal;
  /** Prefix for every path; empty means same origin. */
  baseUrl?: string;
}

const JSON_HEADERS = { "content-type": "application/json" };

async function send(path: string, init: RequestInit, options: RequestOptions): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${options.baseUrl ?? ""}${path}`, { ...init, signal: options.signal });
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new ApiError("The server could not be reached.", { kind: "network", cause });
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

/** The OpenAI error object of a failed response, or a plain description when the body is not one. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    return new ApiError(`The server answered ${response.status} ${response.statusText}`.trim(), {
      kind: "http",
      status: response.status,
      cause,
    });
  }
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) {
    return new ApiError(`The server answered ${response.status} ${response.statusText}`.trim(), {
      kind: "http",
      status: response.status,
      cause: parsed.error,
    });
  }
  const { message, type, code, param } = parsed.data.error;
  return new ApiError(message, { kind: "http", status: response.status, type, code, param });
}

/** The JSON body of a successful response, checked against its schema. */
export async function readJson<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new ApiError(`The server sent invalid JSON for ${response.url || "a request"}.`, {
      kind: "protocol",
      cause,
    });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError(`The server's answer had an unexpected shape.`, {
      kind: "protocol",
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** Sampler and decoding defaults of the model the server runs. */
export async function getModelDefaults(options: RequestOptions = {}): Promise<ModelDefaults> {
  const response = await send("/v1/models", { method: "GET" }, options);
  const [model] = (await readJson(response, modelListSchema)).data;
  if (model === undefined) throw new ApiError("The server lists no model.", { kind: "protocol" });
  return model.defaults;
}

export async function listConversations(options: RequestOptions = {}): Promise<Conversation[]> {
  const response = await send("/api/conversations", { method: "GET" }, options);
  return (await readJson(response, conversationListSchema)).data;
}

export async function createConversation(title: string | undefined, options: RequestOptions = {}) {
  const body = JSON.stringify(title === undefined ? {} : { title });
  const response = await send("/api/conversations", { method: "POST", headers: JSON_HEADERS, body }, options);
  return readJson(response, conversationSchema);
}

export async function renameConversation(id: string, title: string, options: RequestOptions = {}) {
  const response = await send(
    `/api/conversations/${encodeURIComponent(id)}`,
    { method: "PATCH", headers: JSON_HEADERS, body: JSON.stringify({ title }) },
    options,
  );
  return readJson(response, conversationSchema);
}

export async function deleteConversation(id: string, options: RequestOptions = {}): Promise<void> {
  await send(`/api/conversations/${encodeURIComponent(id)}`, { method: "DELETE" }, options);
}

export async function getConversation(id: string, options: RequestOptions = {}): Promise<ConversationDetail> {
  const response = await send(`/api/conversations/${encodeURIComponent(id)}`, { method: "GET" }, options);
  return readJson(response, conversationDetailSchema);
}

export async function uploadImage(file: Blob, options: RequestOptions = {}): Promise<ImageMeta> {
  const form = new FormData();
  form.append("file", file);
  const response = await send("/api/images", { method: "POST", body: form }, options);
  return readJson(response, imageMetaSchema);
}

/** The image and its ancestors, newest first. */
export async function getLineage(imageId: string, options: RequestOptions = {}): Promise<ImageMeta[]> {
  const response = await send(
    `/api/images/${encodeURIComponent(imageId)}/lineage`,
    { method: "GET" },
    options,
  );
  return (await readJson(response, lineageSchema)).data;
}

export async function cancelTurn(conversationId: string, options: RequestOptions = {}): Promise<void> {
  await send(`/api/conversations/${encodeURIComponent(conversationId)}/cancel`, { method: "POST" }, options);
}

/** Posts a user message and yields the turn's events until `done` or `error`. */
export function sendMessage(
  conversationId: string,
  body: SendMessageBody,
  options: RequestOptions = {},
): AsyncGenerator<TurnEvent> {
  return streamTurn(`/api/conversations/${encodeURIComponent(conversationId)}/messages`, body, options);
}

/** Asks for a new sibling of an assistant message and yields the turn's events. */
export function regenerate(
  messageId: string,
  body: RegenerateBody,
  options: RequestOptions = {},
): AsyncGenerator<TurnEvent> {
  return streamTurn(`/api/messages/${encodeURIComponent(messageId)}/regenerate`, body, options);
}

async function* streamTurn(path: string, body: unknown, options: RequestOptions): AsyncGenerator<TurnEvent> {
  const response = await send(
    path,
    { method: "POST", headers: { ...JSON_HEADERS, accept: "text/event-stream" }, body: JSON.stringify(body) },
    options,
  );
  if (!response.body) throw new ApiError("The turn stream had no body.", { kind: "protocol" });
  try {
    for await (const raw of readSseEvents(response.body)) {
      const event = parseTurnEvent(raw);
      if (event === null) continue;
      yield event;
      if (event.type === "done" || event.type === "error") return;
    }
  } catch (cause) {
    if (cause instanceof ApiError || options.signal?.aborted) throw cause;
    throw new ApiError("The connection to the server was lost during the answer.", {
      kind: "network",
      cause,
    });
  }
  throw new ApiError("The turn stream ended before the answer was complete.", { kind: "protocol" });
}
