// The open conversation as a reducer: server snapshots and turn-stream events go in, the state the
// message list renders comes out. Plain functions, so every transition is unit-tested.
import type { ConversationDetail, ImageMeta, Message, Part, Route } from "./api-types.ts";
import { type Selection, selectThrough } from "./branches.ts";
import type { TurnEvent } from "./turn-events.ts";

export interface TurnProgress {
  step: number;
  total: number;
  /** data: URL of the latest preview, kept until a newer one arrives. */
  preview: string | null;
}

/** The turn being streamed right now. */
export interface ActiveTurn {
  assistantId: string | null;
  route: Route | null;
  progress: TurnProgress | null;
}

export interface ChatState {
  messages: Message[];
  images: Readonly<Record<string, ImageMeta>>;
  selection: Selection;
  turn: ActiveTurn | null;
}

export type ChatAction =
  /** `selection`: the branches the user was reading when the conversation was last open. */
  | { type: "loaded"; detail: ConversationDetail; selection?: Selection }
  /** A fresh copy of the open conversation from the server; the user's branch choices stay. */
  | { type: "synced"; detail: ConversationDetail }
  | { type: "cleared" }
  | { type: "images_added"; images: ImageMeta[] }
  | { type: "selected"; selection: Selection }
  | { type: "turn_started" }
  | { type: "turn_event"; event: TurnEvent }
  /** The turn ended without `done`: stopped by the user, or failed on this side. */
  | { type: "turn_stopped"; status: "cancelled" | "error"; error: string | null };

export const emptyChatState: ChatState = { messages: [], images: {}, selection: {}, turn: null };

function upsert(messages: Message[], message: Message): Message[] {
  const index = messages.findIndex((m) => m.id === message.id);
  if (index === -1) return [...messages, message];
  return messages.map((m, i) => (i === index ? message : m));
}

function updateMessage(messages: Message[], id: string | null, change: (m: Message) => Message): Message[] {
  if (id === null) return messages;
  return messages.map((m) => (m.id === id ? change(m) : m));
}

function withImages(images: Readonly<Record<string, ImageMeta>>, added: readonly ImageMeta[]) {
  if (added.length === 0) return images;
  const next = { ...images };
  for (const image of added) next[image.id] = image;
  return next;
}

function appendText(content: Part[], text: string): Part[] {
  const last = content.at(-1);
  if (last?.type === "text") return [...content.slice(0, -1), { type: "text", text: last.text + text }];
  return [...content, { type: "text", text }];
}

function applyTurnEvent(state: ChatState, event: TurnEvent): ChatState {
  const turn = state.turn ?? { assistantId: null, route: null, progress: null };
  switch (event.type) {
    case "user_message":
    case "assistant_message": {
      const messages = upsert(state.messages, event.message);
      return {
        ...state,
        messages,
        selection: selectThrough(messages, state.selection, event.message.id),
        turn: event.type === "assistant_message" ? { ...turn, assistantId: event.message.id } : turn,
      };
    }
    case "route":
      return {
        ...state,
        messages: updateMessage(state.messages, turn.assistantId, (m) => ({ ...m, route: event.route })),
        turn: { ...turn, route: event.route },
      };
    case "token":
      return {
        ...state,
        messages: updateMessage(state.messages, turn.assistantId, (m) => ({
          ...m,
          content: appendText(m.content, event.text),
        })),
      };
    case "progress":
      return {
        ...state,
        turn: {
          ...turn,
          progress: {
            step: event.step,
            total: event.total,
            preview: event.preview ?? turn.progress?.preview ?? null,
          },
        },
      };
    case "done":
      return {
        ...state,
        messages: upsert(state.messages, event.message),
        images: withImages(state.images, event.images),
        turn: null,
      };
    case "error":
      return stopTurn(state, "error", event.error.message);
  }
}

/**
 * The server's copy of a message, unless it is still `pending` where this side already knows the end:
 * a stopped turn is stored as cancelled a moment after the stream closes.
 */
function keepFinal(local: readonly Message[], fresh: Message): Message {
  if (fresh.status !== "pending") return fresh;
  const known = local.find((m) => m.id === fresh.id);
  return known && known.status !== "pending" ? known : fresh;
}

function stopTurn(state: ChatState, status: "cancelled" | "error", error: string | null): ChatState {
  const id = state.turn?.assistantId ?? null;
  return {
    ...state,
    messages: updateMessage(state.messages, id, (m) =>
      m.status === "pending" ? { ...m, status, error } : m,
    ),
    turn: null,
  };
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case "loaded":
      return {
        messages: action.detail.messages,
        images: withImages({}, action.detail.images),
        selection: action.selection ?? {},
        turn: null,
      };
    case "synced":
      return {
        ...state,
        messages: action.detail.messages.map((fresh) => keepFinal(state.messages, fresh)),
        images: withImages(state.images, action.detail.images),
      };
    case "cleared":
      return emptyChatState;
    case "images_added":
      return { ...state, images: withImages(state.images, action.images) };
    case "selected":
      return { ...state, selection: action.selection };
    case "turn_started":
      return { ...state, turn: { assistantId: null, route: null, progress: null } };
    case "turn_event":
      return applyTurnEvent(state, action.event);
    case "turn_stopped":
      return stopTurn(state, action.status, action.error);
  }
}
