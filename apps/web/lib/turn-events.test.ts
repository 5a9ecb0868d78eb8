import { describe, expect, it } from "vitest";
import { ApiError } from "./errors.ts";
import { message } from "./test-fixtures.ts";
import { parseTurnEvent, streamErrorToApiError } from "./turn-events.ts";

const raw = (event: string, data: unknown) => ({ event, data: JSON.stringify(data), id: null });

describe("parseTurnEvent", () => {
  it("types every documented event", () => {
    const m = message({ id: "m1" });
    expect(parseTurnEvent(raw("user_message", { message: m }))).toEqual({ type: "user_message", message: m });
    expect(parseTurnEvent(raw("route", { route: "generate", source: "override" }))).toEqual({
      type: "route",
      route: "generate",
      source: "override",
    });
    expect(parseTurnEvent(raw("token", { text: "hi" }))).toEqual({ type: "token", text: "hi" });
    expect(
      parseTurnEvent(raw("progress", { step: 3, total: 20, preview: "data:image/png;base64,AA" })),
    ).toEqual({
      type: "progress",
      step: 3,
      total: 20,
      preview: "data:image/png;base64,AA",
    });
    expect(parseTurnEvent(raw("done", { message: m, images: [] }))).toEqual({
      type: "done",
      message: m,
      images: [],
    });
  });

  it("skips event names it does not know", () => {
    expect(parseTurnEvent(raw("heartbeat", {}))).toBeNull();
    expect(parseTurnEvent(raw("toString", {}))).toBeNull();
  });

  it("refuses malformed data of a known event with a protocol error", () => {
    const notJson = () => parseTurnEvent({ event: "token", data: "{oops", id: null });
    expect(notJson).toThrow(ApiError);
    expect(notJson).toThrow(/not JSON/);
    expect(() => parseTurnEvent(raw("progress", { step: -1, total: 20 }))).toThrow(/malformed "progress"/);
    expect(() =>
      parseTurnEvent(raw("progress", { step: 1, total: 2, preview: "javascript:alert(1)" })),
    ).toThrow(ApiError);
  });

  it("turns an error event into a stream ApiError with the server's code", () => {
    const event = parseTurnEvent(
      raw("error", {
        error: { message: "Prompt too long", type: "invalid_request_error", code: "prompt_too_long" },
      }),
    );
    if (event?.type !== "error") throw new Error("expected an error event");
    const error = streamErrorToApiError(event);
    expect(error).toMatchObject({ kind: "stream", message: "Prompt too long", code: "prompt_too_long" });
  });
});
