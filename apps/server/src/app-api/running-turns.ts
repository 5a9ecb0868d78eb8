// The turn each conversation is running, so `POST /api/conversations/:id/cancel` can stop it and a second
// message cannot start while the first is still being answered.
import { ApiError } from "../errors.ts";

export interface RunningTurns {
  /** Claims the conversation; 409 when it already runs a turn. */
  claim(conversationId: string): AbortController;
  release(conversationId: string, controller: AbortController): void;
  /** Aborts the running turn; false when there is none. */
  cancel(conversationId: string): boolean;
}

export function createRunningTurns(): RunningTurns {
  const running = new Map<string, AbortController>();
  return {
    claim(conversationId) {
      if (running.has(conversationId)) {
        throw new ApiError(409, "This conversation is already answering a message; cancel it or wait.", {
          code: "turn_in_progress",
        });
      }
      const controller = new AbortController();
      running.set(conversationId, controller);
      return controller;
    },
    release(conversationId, controller) {
      if (running.get(conversationId) === controller) running.delete(conversationId);
    },
    cancel(conversationId) {
      const controller = running.get(conversationId);
      controller?.abort(new Error("cancelled by the user"));
      return controller !== undefined;
    },
  };
}
