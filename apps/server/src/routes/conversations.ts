// App API conversations: list, create, rename, delete, and one conversation with all its branches.
import type { Store } from "@unilip/db";
import { Hono } from "hono";
import { createConversationSchema, renameConversationSchema } from "../app-api/schemas.ts";
import { conversationJson, imageMetaJson, messageJson } from "../app-api/serialize.ts";
import type { AppEnv } from "../app-deps.ts";
import { jsonBody } from "../validate.ts";

export function conversationRoutes(store: Store) {
  return new Hono<AppEnv>()
    .get("/conversations", async (c) => {
      const rows = await store.listConversations({ ownerId: c.var.owner });
      return c.json({ data: rows.map(conversationJson) });
    })
    .post("/conversations", jsonBody(createConversationSchema), async (c) => {
      const row = await store.createConversation({ ownerId: c.var.owner, title: c.req.valid("json").title });
      return c.json(conversationJson(row), 201);
    })
    .get("/conversations/:id", async (c) => {
      const ownerId = c.var.owner;
      const id = c.req.param("id");
      const conversation = await store.getConversation({ ownerId, id });
      const [messages, images] = await Promise.all([
        store.listMessages({ ownerId, conversationId: id }),
        store.listImages({ ownerId, conversationId: id }),
      ]);
      return c.json({
        conversation: conversationJson(conversation),
        messages: messages.map(messageJson),
        images: images.map(imageMetaJson),
      });
    })
    .patch("/conversations/:id", jsonBody(renameConversationSchema), async (c) => {
      const { title } = c.req.valid("json");
      const row = await store.renameConversation({ ownerId: c.var.owner, id: c.req.param("id"), title });
      return c.json(conversationJson(row));
    })
    .delete("/conversations/:id", async (c) => {
      await store.deleteConversation({ ownerId: c.var.owner, id: c.req.param("id") });
      return c.body(null, 204);
    });
}
