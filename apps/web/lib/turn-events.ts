// The events of a turn stream (docs/app-api.md, "Turn stream"), parsed from raw SSE events.
import { z } from "zod";
import { errorBodySchema, imageMetaSchema, messageSchema, routeSchema } from "./api-types.ts";
import { ApiError } from "./errors.ts";
import type { SseEvent } from "./sse.ts";

const turnEventSchemas = {
  user_message: z.object({ message: messageSchema }),
  assistant_message: z.object({ message: messageSchema }),
  route: z.object({ route: routeSchema, source: z.string() }),
  token: z.object({ text: z.string() }),
  progress: z.object({
    step: z.number().int().nonnegative(),
    total: z.number().int().positive(),
    preview: z.string().startsWith("data:image/").optional(),
  }),
  done: z.object({ message: messageSchema, images: z.array(imageMetaSchema) }),
  error: errorBodySchema,
};

type TurnEventName = keyof typeof turnEventSchemas;

export type TurnEvent = {
  [K in TurnEventName]: { type: K } & z.infer<(typeof turnEventSchemas)[K]>;
}[TurnEventName];

function isTurnEventName(name: string): name is TurnEventName {
  return Object.hasOwn(turnEventSchemas, name);
}

/**
 * The typed event, or null for an event name this UI does not know (a newer server may add some; they
 * carry nothing the UI can show). Known events with malformed data throw a protocol ApiError.
 */
export function parseTurnEvent(raw: SseEvent): TurnEvent | null {
  if (!isTurnEventName(raw.event)) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw.data);
  } catch (cause) {
    throw new ApiError(`The server sent a "${raw.event}" event that is not JSON.`, {
      kind: "protocol",
      cause,
    });
  }
  const parsed = turnEventSchemas[raw.event].safeParse(json);
  if (!parsed.success) {
    throw new ApiError(`The server sent a malformed "${raw.event}" event.`, {
      kind: "protocol",
      cause: parsed.error,
    });
  }
  return { type: raw.event, ...parsed.data } as TurnEvent;
}

/** The ApiError an `error` event stands for. */
export function streamErrorToApiError(event: Extract<TurnEvent, { type: "error" }>): ApiError {
  const { message, type, code, param } = event.error;
  return new ApiError(message, { kind: "stream", type, code, param });
}
