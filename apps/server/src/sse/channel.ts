// A one-reader async channel: a job pushes events as they happen, a response stream reads them. It lets a
// queued job run independently of the transport that reports it (SSE, OpenAI chunks, or nothing).

export interface Channel<T> extends AsyncIterable<T> {
  push(value: T): void;
  /** Ends the stream after everything pushed so far has been read. */
  close(): void;
}

export function createChannel<T>(): Channel<T> {
  const buffered: T[] = [];
  let closed = false;
  let wake: (() => void) | undefined;

  const notify = () => {
    wake?.();
    wake = undefined;
  };

  return {
    push(value) {
      if (closed) return;
      buffered.push(value);
      notify();
    },
    close() {
      closed = true;
      notify();
    },
    async *[Symbol.asyncIterator]() {
      while (true) {
        const value = buffered.shift();
        if (value !== undefined) {
          yield value;
          continue;
        }
        if (closed) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
