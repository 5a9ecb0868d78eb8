// A Server-Sent Events parser (the WHATWG event-stream format) for fetch bodies: EventSource cannot
// POST, and a turn is started by a POST.
import { ApiError } from "./errors.ts";

export interface SseEvent {
  /** The `event:` field; "message" when the server sent none. */
  event: string;
  data: string;
  id: string | null;
}

/**
 * Largest event the parser buffers. A progress event carries a base64 PNG preview (a 448 px preview is
 * a few hundred KiB), so the limit is generous; past it the stream is broken or hostile.
 */
export const MAX_SSE_EVENT_CHARS = 8 * 1024 * 1024;

export interface SseParser {
  /**
   * Feeds decoded text; returns the events completed by it. An event still open when the stream ends is
   * never returned: the format drops events without their closing blank line.
   */
  push(text: string): SseEvent[];
}

export function createSseParser(maxEventChars: number = MAX_SSE_EVENT_CHARS): SseParser {
  let pending = "";
  let event = "";
  let data: string[] = [];
  let dataChars = 0;
  let lastId: string | null = null;
  // A chunk may end between "\r" and "\n"; the "\n" that follows must not count as a second line end.
  let skipLeadingLf = false;

  function dispatch(out: SseEvent[]): void {
    if (data.length > 0) out.push({ event: event || "message", data: data.join("\n"), id: lastId });
    event = "";
    data = [];
    dataChars = 0;
  }

  function line(text: string, out: SseEvent[]): void {
    if (text === "") {
      dispatch(out);
      return;
    }
    if (text.startsWith(":")) return;
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") {
      dataChars += value.length + 1;
      if (dataChars > maxEventChars) throw tooLarge(maxEventChars);
      data.push(value);
    } else if (field === "id" && !value.includes("\0")) lastId = value;
  }

  return {
    push(text) {
      const out: SseEvent[] = [];
      let chunk = text;
      if (skipLeadingLf && chunk.startsWith("\n")) chunk = chunk.slice(1);
      skipLeadingLf = false;
      pending += chunk;
      let start = 0;
      for (let i = 0; i < pending.length; i++) {
        const ch = pending[i];
        if (ch !== "\n" && ch !== "\r") continue;
        line(pending.slice(start, i), out);
        if (ch === "\r") {
          if (i + 1 === pending.length) skipLeadingLf = true;
          else if (pending[i + 1] === "\n") i++;
        }
        start = i + 1;
      }
      pending = pending.slice(start);
      if (pending.length > maxEventChars) throw tooLarge(maxEventChars);
      return out;
    },
  };
}

function tooLarge(limit: number): ApiError {
  return new ApiError(`A server event exceeded ${limit} characters; the stream was dropped.`, {
    kind: "protocol",
  });
}

/** Reads a fetch body as SSE events, decoding UTF-8 across chunk boundaries. */
export async function* readSseEvents(
  body: ReadableStream<Uint8Array>,
  maxEventChars: number = MAX_SSE_EVENT_CHARS,
): AsyncGenerator<SseEvent> {
  const parser = createSseParser(maxEventChars);
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    finished = true;
    yield* parser.push(decoder.decode());
  } finally {
    // A consumer that stops early closes the connection, which is how the server learns to cancel. The
    // body may already be errored by an abort, so a failing cancel has nothing left to release.
    if (!finished) await reader.cancel().then(undefined, () => undefined);
  }
}
