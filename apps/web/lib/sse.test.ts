import { describe, expect, it } from "vitest";
import { ApiError } from "./errors.ts";
import { createSseParser, readSseEvents, type SseEvent } from "./sse.ts";

function parseAll(chunks: string[], limit?: number): SseEvent[] {
  const parser = createSseParser(limit);
  return chunks.flatMap((chunk) => parser.push(chunk));
}

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

describe("createSseParser", () => {
  it("parses named events with JSON data", () => {
    const events = parseAll(['event: token\ndata: {"text":"Hi"}\n\n', "event: done\ndata: {}\n\n"]);
    expect(events).toEqual([
      { event: "token", data: '{"text":"Hi"}', id: null },
      { event: "done", data: "{}", id: null },
    ]);
  });

  it("defaults the event name to message and joins multi-line data with newlines", () => {
    expect(parseAll(["data: one\ndata: two\n\n"])).toEqual([
      { event: "message", data: "one\ntwo", id: null },
    ]);
  });

  it("reassembles events split at any byte of the stream", () => {
    const text = 'event: progress\ndata: {"step":1,"total":2}\n\nevent: done\ndata: {"ok":true}\n\n';
    const expected = parseAll([text]);
    for (let cut = 1; cut < text.length; cut++) {
      expect(parseAll([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(expected);
    }
  });

  it("accepts CRLF and lone CR line ends, even with CRLF split across chunks", () => {
    expect(parseAll(["event: a\r\ndata: 1\r\n\r\n", "event: b\rdata: 2\r\r"])).toEqual([
      { event: "a", data: "1", id: null },
      { event: "b", data: "2", id: null },
    ]);
    expect(parseAll(["data: x\r", "\n\r", "\n"])).toEqual([{ event: "message", data: "x", id: null }]);
  });

  it("ignores comments, unknown fields and events without data", () => {
    expect(parseAll([": keep-alive\n\nretry: 10\nfoo: bar\n\nevent: empty\n\ndata: x\n\n"])).toEqual([
      { event: "message", data: "x", id: null },
    ]);
  });

  it("removes only one leading space and keeps colons inside values", () => {
    expect(parseAll(["data:  two spaces: yes\n\n", "data:no-space\n\n"])).toEqual([
      { event: "message", data: " two spaces: yes", id: null },
      { event: "message", data: "no-space", id: null },
    ]);
  });

  it("keeps the last event id for later events", () => {
    expect(parseAll(["id: 7\ndata: a\n\ndata: b\n\n"])).toEqual([
      { event: "message", data: "a", id: "7" },
      { event: "message", data: "b", id: "7" },
    ]);
  });

  it("drops an event that never got its closing blank line", () => {
    expect(parseAll(["data: complete\n\ndata: cut off"])).toEqual([
      { event: "message", data: "complete", id: null },
    ]);
  });

  it("refuses an event larger than the limit, in data lines or an unterminated line", () => {
    expect(() => parseAll(["data: 0123456789\n"], 8)).toThrow(ApiError);
    expect(() => parseAll(["data: 0123", "456789"], 8)).toThrow(/exceeded 8 characters/);
  });
});

describe("readSseEvents", () => {
  it("decodes UTF-8 split inside a character", async () => {
    const bytes = new TextEncoder().encode('event: token\ndata: {"text":"→ é"}\n\n');
    const split = bytes.indexOf(0x86); // second byte of the arrow
    const events: SseEvent[] = [];
    for await (const event of readSseEvents(streamOf([bytes.slice(0, split), bytes.slice(split)]))) {
      events.push(event);
    }
    expect(events).toEqual([{ event: "token", data: '{"text":"→ é"}', id: null }]);
  });

  it("cancels the body when the consumer stops early", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("data: tick\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of readSseEvents(body)) {
      expect(event.data).toBe("tick");
      break;
    }
    expect(cancelled).toBe(true);
  });
});
