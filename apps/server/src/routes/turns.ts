// App API turns: a new message (answered over SSE), a regenerated answer, and cancelling a running turn.
import type { Store } from "@unilip/db";
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { buildTurnInput, pathTo, type TurnRequest } from "../app-api/history.ts";
import type { RunningTurns } from "../app-api/running-turns.ts";
import { postMessageSchema, regenerateSchema } from "../app-api/schemas.ts";
import { imageMetaJson, messageJson } from "../app-api/serialize.ts";
import { type StoredTurn, type StoredTurnOptions, startStoredTurn } from "../app-api/stored-turn.ts";
import type { AppDeps, AppEnv } from "../app-deps.ts";
import { invalidRequest } from "../errors.ts";
import { pngDataUrl } from "../openai/chat-response.ts";
import { checkRouteChoice } from "../turn/resolve-route.ts";
import { jsonBody } from "../validate.ts";

/** Streams a turn as the events of docs/app-api.md; the turn is stored whether or not the client stays. */
function streamTurn(c: Context<AppEnv>, turn: StoredTurn) {
  return streamSSE(c, async (stream) => {
    const send = (event: string, data: unknown) => stream.writeSSE({ event, data: JSON.stringify(data) });
    if (turn.user) await send("user_message", { message: messageJson(turn.user) });
    await send("assistant_message", { message: messageJson(turn.assistant) });
    for await (const event of turn.events) {
      if (event.type === "route") await send("route", { route: event.route, source: event.source });
      if (event.type === "token") await send("token", { text: event.text });
      if (event.type === "progress") {
        const preview = event.preview ? pngDataUrl(event.preview) : undefined;
        await send("progress", { step: event.step, total: event.total, preview });
      }
    }
    const end = await turn.end;
    if (end.type === "done") {
      await send("done", { message: messageJson(end.message), images: end.images.map(imageMetaJson) });
    } else {
      await send("error", { error: end.error });
    }
  });
}

export function turnRoutes(deps: AppDeps, store: Store, running: RunningTurns) {
  /** Builds the turn's input, checks the route choice against it, then starts, stores and streams the turn. */
  async function answer(
    c: Context<AppEnv>,
    conversationId: string,
    request: TurnRequest,
    insert: StoredTurnOptions["insert"],
  ) {
    const ownerId = c.var.owner;
    const built = await buildTurnInput(store, ownerId, request);
    checkRouteChoice(request.route, built.input.images.length, built.input.prompt);
    const turn = await startStoredTurn({
      deps,
      store,
      running,
      ownerId,
      conversationId,
      built,
      requestSignal: c.req.raw.signal,
      insert,
    });
    return streamTurn(c, turn);
  }

  return new Hono<AppEnv>()
    .post("/conversations/:id/messages", jsonBody(postMessageSchema), async (c) => {
      const body = c.req.valid("json");
      const ownerId = c.var.owner;
      const conversationId = c.req.param("id");
      await store.getConversation({ ownerId, id: conversationId });
      const path = pathTo(await store.listMessages({ ownerId, conversationId }), body.parent_id);
      const request: TurnRequest = {
        path,
        userContent: body.content,
        route: body.route ?? "auto",
        editImageId: body.edit_image_id,
        settings: body.settings ?? {},
      };
      return answer(c, conversationId, request, () =>
        store.insertExchange({ ownerId, conversationId, parentId: body.parent_id, content: body.content }),
      );
    })
    .post("/messages/:id/regenerate", jsonBody(regenerateSchema), async (c) => {
      const body = c.req.valid("json");
      const ownerId = c.var.owner;
      const original = await store.getMessage({ ownerId, id: c.req.param("id") });
      if (original.role !== "assistant" || original.parentId === null) {
        throw invalidRequest("Only an assistant message can be regenerated.", { code: "not_an_answer" });
      }
      const { conversationId, parentId } = original;
      const path = pathTo(await store.listMessages({ ownerId, conversationId }), parentId);
      // By default a new answer takes the same road as the one it replaces.
      const route = body.route ?? original.route ?? "auto";
      return answer(c, conversationId, { path, route, settings: body.settings ?? {} }, async () => ({
        assistant: await store.insertMessage({
          ownerId,
          conversationId,
          parentId,
          role: "assistant",
          content: [],
        }),
      }));
    })
    .post("/conversations/:id/cancel", async (c) => {
      const id = c.req.param("id");
      await store.getConversation({ ownerId: c.var.owner, id });
      return c.json({ cancelled: running.cancel(id) }, 202);
    });
}
