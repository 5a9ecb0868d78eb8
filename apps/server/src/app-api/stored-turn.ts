// An App API turn: holds a place in the queue, stores the question and a pending answer, lets the model
// run, then stores the outcome (text, images, cancellation or error) in one completeTurn transaction.
// The outcome is stored whether or not anyone is still listening.
import type { CompletedTurn, Message, NewImage, Store } from "@unilip/db";
import { MAX_ERROR_LENGTH } from "@unilip/db";
import type { AppDeps } from "../app-deps.ts";
import { plainBytes } from "../images/bytes.ts";
import { describeCause, toApiError } from "../on-error.ts";
import type { Channel } from "../sse/channel.ts";
import { startTurn } from "../turn/start-turn.ts";
import type { TurnEvent, TurnResult } from "../turn/types.ts";
import type { BuiltTurn } from "./history.ts";
import type { RunningTurns } from "./running-turns.ts";

export type TurnEnd =
  | ({ type: "done" } & CompletedTurn)
  | { type: "error"; error: { message: string; type: string; code: string | null } };

export interface StoredTurn {
  user?: Message;
  assistant: Message;
  events: Channel<TurnEvent>;
  end: Promise<TurnEnd>;
}

export interface StoredTurnOptions {
  deps: AppDeps;
  store: Store;
  running: RunningTurns;
  ownerId: string;
  conversationId: string;
  built: BuiltTurn;
  /** Stores what must exist before the model runs: the user message (if any) and the pending answer. */
  insert: () => Promise<{ user?: Message; assistant: Message }>;
  requestSignal: AbortSignal;
}

export async function startStoredTurn(options: StoredTurnOptions): Promise<StoredTurn> {
  const { deps, store, running, ownerId, conversationId, built } = options;
  const controller = running.claim(conversationId);
  const signal = AbortSignal.any([options.requestSignal, controller.signal]);
  let stored!: (value: unknown) => void;
  let failed!: (error: unknown) => void;
  const ready = new Promise((resolve, reject) => {
    stored = resolve;
    failed = reject;
  });
  // The job reads `ready` when it starts; a job refused or cancelled before that never does.
  ready.catch(() => {});
  let turn: ReturnType<typeof startTurn>;
  let messages: { user?: Message; assistant: Message };
  try {
    turn = startTurn(deps, ownerId, built.input, signal, ready);
    messages = await options.insert();
  } catch (error) {
    failed(error);
    running.release(conversationId, controller);
    throw error;
  }
  stored(undefined);
  const started = performance.now();
  const end = turn.result
    .then(
      async (result): Promise<TurnEnd> => ({
        type: "done",
        ...(await store.completeTurn(completion(ownerId, messages.assistant.id, result, built, started))),
      }),
      (error) => endWithFailure(options, messages.assistant.id, error, signal.aborted),
    )
    .catch((error): TurnEnd => {
      deps.log.error("storing a turn failed", describeCause(error));
      return errorEnd(error);
    })
    .finally(() => running.release(conversationId, controller));
  return { ...messages, events: turn.events, end };
}

type TurnRecord = Parameters<Store["completeTurn"]>[0];

function completion(
  ownerId: string,
  messageId: string,
  result: TurnResult,
  built: BuiltTurn,
  started: number,
): TurnRecord {
  const ms = Math.round(performance.now() - started);
  if (result.type === "text") {
    return {
      ownerId,
      messageId,
      content: result.text === "" ? [] : [{ type: "text", text: result.text }],
      route: result.route,
      status: result.finishReason === "cancelled" ? "cancelled" : "complete",
      usage: {
        prompt_tokens: result.promptTokens,
        completion_tokens: result.completionTokens,
        duration_ms: ms,
      },
    };
  }
  const parentImageId =
    result.sourceImageIndex === null ? null : (built.imageIds[result.sourceImageIndex] ?? null);
  const { image } = result;
  const stored: NewImage = {
    bytes: plainBytes(image.png),
    source: result.route === "generate" ? "generated" : "edited",
    parentImageId,
    instruction: built.input.prompt,
    settings: { seed: image.seed, steps: image.steps, guidance: image.guidance, sampler: image.sampler },
  };
  return {
    ownerId,
    messageId,
    content: [],
    route: result.route,
    status: "complete",
    usage: { steps: image.steps, duration_ms: ms },
    images: [stored],
  };
}

function errorEnd(error: unknown): TurnEnd {
  const { message, type, code } = toApiError(error).toBody().error;
  return { type: "error", error: { message, type, code } };
}

/** A cancelled turn is stored as cancelled; a failed one as an error whose text is safe to show. */
async function endWithFailure(
  options: StoredTurnOptions,
  messageId: string,
  error: unknown,
  cancelled: boolean,
): Promise<TurnEnd> {
  const { store, ownerId } = options;
  if (cancelled) {
    const completed = await store.completeTurn({
      ownerId,
      messageId,
      content: [],
      route: null,
      status: "cancelled",
    });
    return { type: "done", ...completed };
  }
  const apiError = toApiError(error);
  if (apiError.status >= 500) options.deps.log.error("a turn failed", describeCause(error));
  await store.completeTurn({
    ownerId,
    messageId,
    content: [],
    route: null,
    status: "error",
    error: apiError.message.slice(0, MAX_ERROR_LENGTH),
  });
  return errorEnd(apiError);
}
