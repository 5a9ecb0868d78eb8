// One model runs one job at a time. Waiting jobs are served round-robin between owners (API keys), FIFO
// within an owner, so one busy client cannot starve the others. The queue knows nothing about HTTP.

export type QueueErrorCode = "full" | "closed" | "cancelled";

export class QueueError extends Error {
  override readonly name = "QueueError";
  constructor(
    readonly code: QueueErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type Job<T> = (signal: AbortSignal) => Promise<T>;

export interface JobQueue {
  /**
   * Admits a job or throws QueueError("full" | "closed") synchronously, so a caller can answer 429/503
   * before it starts a response. The job receives a signal that aborts when `signal` does or when a drain
   * times out; a job aborted while waiting never starts and rejects with QueueError("cancelled").
   */
  enqueue<T>(owner: string, job: Job<T>, signal?: AbortSignal): Promise<T>;
  /** Jobs waiting (the running one not counted). */
  waiting(): number;
  running(): boolean;
  /** Stops admitting; waits for every job, aborting what is left after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
}

interface Entry {
  start(): void;
  reject(error: QueueError): void;
}

export function createJobQueue(options: {
  maxDepth: number;
  onDepthChange?: (waiting: number) => void;
}): JobQueue {
  // Map order is the round-robin order: an owner served goes to the back if it still has jobs.
  const waitingByOwner = new Map<string, Entry[]>();
  let waitingCount = 0;
  let busy = false;
  let closed = false;
  const runningControllers = new Set<AbortController>();
  const idleWaiters: (() => void)[] = [];

  const changed = (delta: number) => {
    waitingCount += delta;
    options.onDepthChange?.(waitingCount);
  };

  const next = () => {
    if (busy) return;
    const first = waitingByOwner.entries().next();
    if (first.done) {
      for (const resolve of idleWaiters.splice(0)) resolve();
      return;
    }
    const [owner, entries] = first.value;
    const entry = entries.shift();
    waitingByOwner.delete(owner);
    if (entries.length > 0) waitingByOwner.set(owner, entries);
    if (!entry) return;
    changed(-1);
    busy = true;
    entry.start();
  };

  const remove = (owner: string, entry: Entry): boolean => {
    const entries = waitingByOwner.get(owner);
    const index = entries?.indexOf(entry) ?? -1;
    if (!entries || index < 0) return false;
    entries.splice(index, 1);
    if (entries.length === 0) waitingByOwner.delete(owner);
    changed(-1);
    return true;
  };

  return {
    enqueue<T>(owner: string, job: Job<T>, signal?: AbortSignal): Promise<T> {
      if (closed) throw new QueueError("closed", "The server is shutting down.");
      if (waitingCount >= options.maxDepth) {
        throw new QueueError("full", `The queue is full (${options.maxDepth} jobs waiting).`);
      }
      if (signal?.aborted) throw new QueueError("cancelled", "The request was cancelled before it started.");
      return new Promise<T>((resolve, reject) => {
        const controller = new AbortController();
        const onAbort = () => {
          if (remove(owner, entry)) {
            reject(new QueueError("cancelled", "The request was cancelled while waiting."));
          } else {
            controller.abort(signal?.reason);
          }
        };
        const entry: Entry = {
          start() {
            runningControllers.add(controller);
            job(controller.signal)
              .then(resolve, reject)
              .finally(() => {
                signal?.removeEventListener("abort", onAbort);
                runningControllers.delete(controller);
                busy = false;
                next();
              });
          },
          reject(error) {
            signal?.removeEventListener("abort", onAbort);
            reject(error);
          },
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        waitingByOwner.set(owner, [...(waitingByOwner.get(owner) ?? []), entry]);
        changed(1);
        next();
      });
    },

    waiting: () => waitingCount,
    running: () => busy,

    async drain(timeoutMs: number): Promise<void> {
      closed = true;
      if (!busy && waitingCount === 0) return;
      const idle = new Promise<void>((resolve) => idleWaiters.push(resolve));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const outcome = await Promise.race([idle, timedOut]);
      clearTimeout(timer);
      if (outcome !== "timeout") return;
      for (const [owner, entries] of [...waitingByOwner]) {
        for (const entry of [...entries]) {
          remove(owner, entry);
          entry.reject(new QueueError("cancelled", "The server shut down before the request started."));
        }
      }
      for (const controller of runningControllers) controller.abort(new Error("server shutdown"));
      await idle;
    },
  };
}
