// Admits a turn to the queue and exposes its events as a channel, so a route can answer 429 before it
// opens a stream, then stream what the job reports while it runs.
import type { AppDeps } from "../app-deps.ts";
import { type Channel, createChannel } from "../sse/channel.ts";
import { runTurn } from "./run-turn.ts";
import type { TurnEvent, TurnInput, TurnResult } from "./types.ts";

export interface StartedTurn {
  events: Channel<TurnEvent>;
  /** Settles after the last event was pushed; the channel is closed by then. */
  result: Promise<TurnResult>;
}

/**
 * Throws QueueError("full" | "closed") synchronously when the turn cannot be admitted. With `ready`, the
 * job waits for it before touching the model (and fails with its error), so a caller can hold its place
 * in the queue while it stores what must exist before the model runs.
 */
export function startTurn(
  deps: AppDeps,
  owner: string,
  input: TurnInput,
  signal: AbortSignal,
  ready?: Promise<unknown>,
): StartedTurn {
  const events = createChannel<TurnEvent>();
  const job = async (jobSignal: AbortSignal) => {
    await ready;
    return runTurn(deps, input, events.push, jobSignal);
  };
  const result = deps.queue.enqueue(owner, job, signal);
  // The channel must end whether the job succeeds or fails; the failure itself is read from `result`.
  result.then(events.close, events.close);
  return { events, result };
}
