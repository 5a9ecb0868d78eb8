import { describe, expect, it } from "vitest";
import { selectPath } from "./branches.ts";
import { type ChatAction, type ChatState, chatReducer, emptyChatState } from "./chat-state.ts";
import { imageMeta, message } from "./test-fixtures.ts";
import type { TurnEvent } from "./turn-events.ts";

const user = message({ id: "u1", content: [{ type: "text", text: "Draw a red circle" }] });
const pending = message({
  id: "a1",
  parent_id: "u1",
  role: "assistant",
  status: "pending",
  created_at: "2025-01-01T00:00:01.000Z",
});

function run(events: TurnEvent[], start: ChatState = emptyChatState): ChatState {
  const actions: ChatAction[] = [
    { type: "turn_started" },
    ...events.map((event) => ({ type: "turn_event" as const, event })),
  ];
  return actions.reduce(chatReducer, start);
}

describe("chatReducer", () => {
  it("streams an answer: messages, route, tokens, done", () => {
    const streaming = run([
      { type: "user_message", message: user },
      { type: "assistant_message", message: pending },
      { type: "route", route: "understand", source: "model" },
      { type: "token", text: "Two " },
      { type: "token", text: "shapes." },
    ]);
    expect(streaming.turn).toEqual({ assistantId: "a1", route: "understand", progress: null });
    const answer = streaming.messages.find((m) => m.id === "a1");
    expect(answer?.route).toBe("understand");
    expect(answer?.content).toEqual([{ type: "text", text: "Two shapes." }]);

    const final = {
      ...pending,
      status: "complete" as const,
      route: "understand" as const,
      content: [{ type: "text" as const, text: "Two shapes." }],
    };
    const done = chatReducer(streaming, {
      type: "turn_event",
      event: { type: "done", message: final, images: [] },
    });
    expect(done.turn).toBeNull();
    expect(done.messages).toEqual([user, final]);
  });

  it("keeps the latest preview across progress events without one, then adds the final image", () => {
    const drawing = run([
      { type: "user_message", message: user },
      { type: "assistant_message", message: pending },
      { type: "progress", step: 1, total: 20, preview: "data:image/png;base64,AAA" },
      { type: "progress", step: 2, total: 20 },
    ]);
    expect(drawing.turn?.progress).toEqual({ step: 2, total: 20, preview: "data:image/png;base64,AAA" });

    const image = imageMeta({ id: "img1", source: "generated" });
    const final = {
      ...pending,
      status: "complete" as const,
      content: [{ type: "image" as const, image_id: "img1" }],
    };
    const done = chatReducer(drawing, {
      type: "turn_event",
      event: { type: "done", message: final, images: [image] },
    });
    expect(done.images.img1).toEqual(image);
    expect(done.turn).toBeNull();
  });

  it("marks the pending answer as failed on an error event", () => {
    const failed = run([
      { type: "user_message", message: user },
      { type: "assistant_message", message: pending },
      {
        type: "error",
        error: { message: "No image to edit", type: "invalid_request_error", code: "no_image" },
      },
    ]);
    expect(failed.turn).toBeNull();
    expect(failed.messages.find((m) => m.id === "a1")).toMatchObject({
      status: "error",
      error: "No image to edit",
    });
  });

  it("marks the pending answer as cancelled when the user stops, keeping its partial text", () => {
    const streaming = run([
      { type: "user_message", message: user },
      { type: "assistant_message", message: pending },
      { type: "token", text: "Two" },
    ]);
    const stopped = chatReducer(streaming, { type: "turn_stopped", status: "cancelled", error: null });
    expect(stopped.messages.find((m) => m.id === "a1")).toMatchObject({
      status: "cancelled",
      content: [{ type: "text", text: "Two" }],
    });
  });

  it("syncs with the server's copy but keeps a stop the server has not stored yet", () => {
    const streaming = run([
      { type: "user_message", message: user },
      { type: "assistant_message", message: pending },
    ]);
    const stopped = chatReducer(streaming, { type: "turn_stopped", status: "cancelled", error: null });
    const image = imageMeta({ id: "img9", source: "generated" });
    const detail = {
      conversation: { id: "c1", title: "t", created_at: "", updated_at: "" },
      images: [image],
    };
    const stillPending = chatReducer(stopped, {
      type: "synced",
      detail: { ...detail, messages: [user, pending] },
    });
    expect(stillPending.messages.find((m) => m.id === "a1")?.status).toBe("cancelled");
    expect(stillPending.selection).toBe(stopped.selection);

    const finished = {
      ...pending,
      status: "complete" as const,
      content: [{ type: "image" as const, image_id: "img9" }],
    };
    const completed = chatReducer(stopped, {
      type: "synced",
      detail: { ...detail, messages: [user, finished] },
    });
    expect(completed.messages.find((m) => m.id === "a1")).toEqual(finished);
    expect(completed.images.img9).toEqual(image);
  });

  it("loads a conversation on the branches the user was last reading", () => {
    const older = message({
      id: "a1",
      parent_id: "u1",
      role: "assistant",
      created_at: "2025-01-01T00:00:01.000Z",
    });
    const newer = message({
      id: "a2",
      parent_id: "u1",
      role: "assistant",
      created_at: "2025-01-01T00:00:02.000Z",
    });
    const detail = {
      conversation: { id: "c1", title: "t", created_at: "", updated_at: "" },
      messages: [user, older, newer],
      images: [],
    };
    const fresh = chatReducer(emptyChatState, { type: "loaded", detail });
    expect(selectPath(fresh.messages, fresh.selection).at(-1)?.message.id).toBe("a2");
    const recalled = chatReducer(emptyChatState, { type: "loaded", detail, selection: { u1: "a1" } });
    expect(selectPath(recalled.messages, recalled.selection).at(-1)?.message.id).toBe("a1");
  });

  it("shows a regenerated answer instead of the one it replaces", () => {
    const first = message({ id: "a1", parent_id: "u1", role: "assistant" });
    const loaded = chatReducer(emptyChatState, {
      type: "loaded",
      detail: {
        conversation: { id: "c1", title: "t", created_at: "", updated_at: "" },
        messages: [user, first],
        images: [],
      },
    });
    // A later regenerate of a1 yields a2; then the user moves back to a1, then regenerates again.
    const second = { ...pending, id: "a2", created_at: "2025-01-01T00:00:02.000Z" };
    let state = run([{ type: "assistant_message", message: second }], loaded);
    expect(selectPath(state.messages, state.selection).map((e) => e.message.id)).toEqual(["u1", "a2"]);
    state = chatReducer(state, { type: "selected", selection: { ...state.selection, u1: "a1" } });
    const third = { ...pending, id: "a3", created_at: "2025-01-01T00:00:03.000Z" };
    state = run([{ type: "assistant_message", message: third }], state);
    expect(selectPath(state.messages, state.selection).map((e) => e.message.id)).toEqual(["u1", "a3"]);
  });

  it("adds uploaded images and clears everything for a new conversation", () => {
    const withImage = chatReducer(emptyChatState, {
      type: "images_added",
      images: [imageMeta({ id: "up" })],
    });
    expect(Object.keys(withImage.images)).toEqual(["up"]);
    expect(chatReducer(withImage, { type: "cleared" })).toBe(emptyChatState);
  });
});
