"use client";
// The open conversation: loads it, runs turns (send, edit, regenerate) and stops them.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { cancelTurn, createConversation, getConversation, regenerate, sendMessage } from "../lib/api.ts";
import type { Conversation, ImageMeta, Message, RouteChoice, TurnSettings } from "../lib/api-types.ts";
import { recallSelection, rememberSelection } from "../lib/branch-memory.ts";
import { leafId, type PathEntry, selectPath, switchSibling } from "../lib/branches.ts";
import { browserStorage } from "../lib/browser-storage.ts";
import { type ChatState, chatReducer, emptyChatState } from "../lib/chat-state.ts";
import { titleFromPrompt } from "../lib/conversation-title.ts";
import { ApiError } from "../lib/errors.ts";
import { streamErrorToApiError, type TurnEvent } from "../lib/turn-events.ts";
import { buildEditedMessageBody, buildSendBody, type Draft } from "../lib/turn-request.ts";

export interface ChatApi {
  conversationId: string | null;
  state: ChatState;
  path: PathEntry<Message>[];
  loading: boolean;
  busy: boolean;
  open(id: string | null): void;
  /** Resolves true once the server stored the user message, false when the turn failed before. */
  send(draft: Draft, attachments: readonly ImageMeta[], settings: TurnSettings): Promise<boolean>;
  editMessage(message: Message, text: string, route: RouteChoice, settings: TurnSettings): Promise<boolean>;
  regenerate(message: Message, settings: TurnSettings): Promise<boolean>;
  stop(): void;
  switchBranch(messageId: string, delta: number): void;
}

interface Callbacks {
  report(error: unknown): void;
  /** A first message created a conversation. */
  onCreated(conversation: Conversation): void;
  /** A turn ended (its conversation's `updated_at` moved). */
  onTurnEnded(): void;
}

type StartTurn = (signal: AbortSignal) => AsyncGenerator<TurnEvent>;

export function useChat({ report, onCreated, onTurnEnded }: Callbacks): ChatApi {
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [state, dispatch] = useReducer(chatReducer, emptyChatState);
  const [loading, setLoading] = useState(false);
  const running = useRef<{ controller: AbortController; conversationId: string } | null>(null);
  // Answers of an older load must not overwrite the conversation opened since.
  const loadTicket = useRef(0);

  const path = useMemo(() => selectPath(state.messages, state.selection), [state.messages, state.selection]);

  // A switched branch or a new message changes the selection; an empty one is only the gap between
  // opening a conversation and its load, so it must not overwrite what was remembered.
  useEffect(() => {
    if (conversationId !== null && Object.keys(state.selection).length > 0) {
      rememberSelection(browserStorage(), conversationId, state.selection);
    }
  }, [conversationId, state.selection]);

  /** Reloads the open conversation in place, e.g. to learn how a stopped turn was stored. */
  const resync = useCallback(
    (id: string, ticket: number) => {
      getConversation(id)
        .then((detail) => {
          if (ticket === loadTicket.current) dispatch({ type: "synced", detail });
        })
        .catch(report);
    },
    [report],
  );

  const stop = useCallback(() => {
    const turn = running.current;
    if (!turn) return;
    running.current = null;
    turn.controller.abort();
    const ticket = loadTicket.current;
    // Closing the stream already cancels; the explicit cancel also covers a proxy that keeps it open.
    // The turn may have finished on the server before the stop arrived, so the stored result decides.
    cancelTurn(turn.conversationId)
      .catch(report)
      .finally(() => resync(turn.conversationId, ticket));
  }, [report, resync]);

  const open = useCallback(
    (id: string | null) => {
      stop();
      const ticket = ++loadTicket.current;
      setConversationId(id);
      dispatch({ type: "cleared" });
      if (id === null) return;
      setLoading(true);
      getConversation(id)
        .then((detail) => {
          if (ticket !== loadTicket.current) return;
          dispatch({ type: "loaded", detail, selection: recallSelection(browserStorage(), id) });
        })
        .catch((error: unknown) => {
          if (ticket !== loadTicket.current) return;
          report(error);
          if (error instanceof ApiError && error.status === 404) setConversationId(null);
        })
        .finally(() => {
          if (ticket === loadTicket.current) setLoading(false);
        });
    },
    [report, stop],
  );

  /**
   * Runs a turn to its end. Resolves true as soon as the server stored the new message (the stream
   * goes on), false when the turn failed before that.
   */
  const runTurn = useCallback(
    (id: string, start: StartTurn): Promise<boolean> =>
      new Promise<boolean>((accept) => {
        const controller = new AbortController();
        running.current = { controller, conversationId: id };
        dispatch({ type: "turn_started" });
        const consume = async () => {
          for await (const event of start(controller.signal)) {
            dispatch({ type: "turn_event", event });
            if (event.type === "user_message" || event.type === "assistant_message") accept(true);
            if (event.type === "error") report(streamErrorToApiError(event));
          }
        };
        consume()
          .catch((error: unknown) => {
            const cancelled = controller.signal.aborted;
            dispatch({
              type: "turn_stopped",
              status: cancelled ? "cancelled" : "error",
              error: cancelled ? null : error instanceof Error ? error.message : String(error),
            });
            if (!cancelled) report(error);
          })
          .finally(() => {
            if (running.current?.controller === controller) running.current = null;
            accept(false);
            onTurnEnded();
          });
      }),
    [report, onTurnEnded],
  );

  const send = useCallback(
    async (draft: Draft, attachments: readonly ImageMeta[], settings: TurnSettings) => {
      try {
        const body = buildSendBody(draft, leafId(path), settings);
        let id = conversationId;
        if (id === null) {
          const conversation = await createConversation(titleFromPrompt(draft.text));
          id = conversation.id;
          loadTicket.current++;
          setConversationId(id);
          dispatch({ type: "cleared" });
          onCreated(conversation);
        }
        dispatch({ type: "images_added", images: [...attachments] });
        const target = id;
        return await runTurn(target, (signal) => sendMessage(target, body, { signal }));
      } catch (error) {
        report(error);
        return false;
      }
    },
    [conversationId, path, runTurn, report, onCreated],
  );

  const editMessage = useCallback(
    async (message: Message, text: string, route: RouteChoice, settings: TurnSettings) => {
      if (conversationId === null) return false;
      const id = conversationId;
      try {
        const body = buildEditedMessageBody(message, text, route, settings);
        return await runTurn(id, (signal) => sendMessage(id, body, { signal }));
      } catch (error) {
        report(error);
        return false;
      }
    },
    [conversationId, runTurn, report],
  );

  const regenerateAnswer = useCallback(
    async (message: Message, settings: TurnSettings) => {
      if (conversationId === null) return false;
      const body = Object.keys(settings).length > 0 ? { settings } : {};
      return runTurn(conversationId, (signal) => regenerate(message.id, body, { signal }));
    },
    [conversationId, runTurn],
  );

  const switchBranch = useCallback(
    (messageId: string, delta: number) => {
      dispatch({
        type: "selected",
        selection: switchSibling(state.messages, state.selection, messageId, delta),
      });
    },
    [state.messages, state.selection],
  );

  return {
    conversationId,
    state,
    path,
    loading,
    busy: state.turn !== null,
    open,
    send,
    editMessage,
    regenerate: regenerateAnswer,
    stop,
    switchBranch,
  };
}
