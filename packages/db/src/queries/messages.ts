import { and, asc, eq, getTableColumns } from "drizzle-orm";
import { createInsertSchema } from "drizzle-zod";
import { z } from "zod";
import type { Orm } from "../client.ts";
import { DbError, found } from "../errors.ts";
import { newId } from "../ids.ts";
import { idSchema, parseInput, storableTextSchema } from "../input.ts";
import { MAX_ERROR_LENGTH } from "../limits.ts";
import { conversations } from "../schema/conversations.ts";
import { contentSchema, type Part } from "../schema/json-shapes.ts";
import {
  MESSAGE_STATUSES,
  type Message,
  type MessageRole,
  type MessageStatus,
  messages,
  type Route,
} from "../schema/messages.ts";
import { touchConversation } from "./conversations.ts";
import { adoptImages } from "./images.ts";

const messageColumns = getTableColumns(messages);
// Messages carry no owner column: a message is the owner's when its conversation is.
const ownedBy = (ownerId: string) => eq(conversations.ownerId, ownerId);
const joinConversation = eq(conversations.id, messages.conversationId);

const insertSchema = createInsertSchema(messages, {
  conversationId: () => idSchema,
  parentId: () => idSchema,
  content: contentSchema,
})
  .pick({ conversationId: true, parentId: true, role: true, content: true, route: true, status: true })
  .partial({ status: true })
  .extend({ ownerId: idSchema });

/** The finished states; a message leaves `pending` once and never returns. */
export const finalStatusSchema = z.enum(MESSAGE_STATUSES).exclude(["pending"]);
const errorTextSchema = storableTextSchema.min(1).max(MAX_ERROR_LENGTH);
export const messageErrorSchema = errorTextSchema.nullish();

/**
 * Adds a message under `parentId` (null for the first question). A parent that already has children makes
 * a branch. Status defaults to `complete` for a user message and `pending` for an assistant's answer.
 */
export async function insertMessage(
  db: Orm,
  params: {
    ownerId: string;
    conversationId: string;
    parentId: string | null;
    role: MessageRole;
    content: readonly Part[];
    route?: Route | null;
    status?: MessageStatus;
  },
): Promise<Message> {
  const input = parseInput(insertSchema, params, "message");
  return db.transaction(async (tx) => {
    const [conversation] = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.id, input.conversationId), ownedBy(input.ownerId)));
    found(conversation, "conversation");
    if (input.parentId) {
      const [parent] = await tx
        .select({ id: messages.id })
        .from(messages)
        .where(and(eq(messages.id, input.parentId), eq(messages.conversationId, input.conversationId)));
      if (!parent) throw new DbError("invalid", "the parent message is not in this conversation");
    }
    const [row] = await tx
      .insert(messages)
      .values({
        id: newId("message"),
        conversationId: input.conversationId,
        parentId: input.parentId ?? null,
        role: input.role,
        content: input.content,
        route: input.route ?? null,
        status: input.status ?? (input.role === "user" ? "complete" : "pending"),
      })
      .returning();
    const message = found(row, "message");
    await adoptImages(tx, input.ownerId, message, input.content);
    await touchConversation(tx, input.conversationId);
    return message;
  });
}

/**
 * A question and its pending answer, in one transaction: a turn never starts from a question stored
 * without the answer it waits for.
 */
export async function insertExchange(
  db: Orm,
  params: { ownerId: string; conversationId: string; parentId: string | null; content: readonly Part[] },
): Promise<{ user: Message; assistant: Message }> {
  const { ownerId, conversationId } = params;
  return db.transaction(async (tx) => {
    const user = await insertMessage(tx, { ...params, role: "user" });
    const assistant = await insertMessage(tx, {
      ownerId,
      conversationId,
      parentId: user.id,
      role: "assistant",
      content: [],
    });
    return { user, assistant };
  });
}

const ownedSchema = z.object({ ownerId: idSchema, id: idSchema });

export async function getMessage(db: Orm, params: { ownerId: string; id: string }): Promise<Message> {
  const { ownerId, id } = parseInput(ownedSchema, params, "message id");
  const [row] = await db
    .select(messageColumns)
    .from(messages)
    .innerJoin(conversations, joinConversation)
    .where(and(eq(messages.id, id), ownedBy(ownerId)));
  return found(row, "message");
}

/** Every message of the conversation, all branches, oldest first; empty for a conversation the owner lacks. */
export async function listMessages(
  db: Orm,
  params: { ownerId: string; conversationId: string },
): Promise<Message[]> {
  const { ownerId, conversationId } = parseInput(
    z.object({ ownerId: idSchema, conversationId: idSchema }),
    params,
    "message list",
  );
  return db
    .select(messageColumns)
    .from(messages)
    .innerJoin(conversations, joinConversation)
    .where(and(eq(messages.conversationId, conversationId), ownedBy(ownerId)))
    .orderBy(asc(messages.createdAt), asc(messages.id));
}

/**
 * Locks the owner's pending message for the rest of the transaction, so a cancel and a completion
 * racing for the same answer cannot both win: the loser gets `conflict`.
 */
export async function lockPendingMessage(db: Orm, ownerId: string, id: string): Promise<Message> {
  const [row] = await db
    .select(messageColumns)
    .from(messages)
    .innerJoin(conversations, joinConversation)
    .where(and(eq(messages.id, id), ownedBy(ownerId)))
    .for("update", { of: messages });
  const message = found(row, "message");
  if (message.status !== "pending") throw new DbError("conflict", `the message is already ${message.status}`);
  return message;
}

const statusSchema = ownedSchema
  .extend({ status: finalStatusSchema, error: messageErrorSchema })
  .refine((input) => !input.error || input.status === "error", {
    message: "only a message with status error has an error text",
    path: ["error"],
  });

/** Finishes a pending message without new content: cancelled, or failed with an error text. */
export async function setMessageStatus(
  db: Orm,
  params: { ownerId: string; id: string; status: Exclude<MessageStatus, "pending">; error?: string | null },
): Promise<Message> {
  const { ownerId, id, status, error } = parseInput(statusSchema, params, "message status");
  return db.transaction(async (tx) => {
    await lockPendingMessage(tx, ownerId, id);
    const [row] = await tx
      .update(messages)
      .set({ status, error: error ?? null })
      .where(eq(messages.id, id))
      .returning();
    return found(row, "message");
  });
}

/**
 * Fails every answer still pending, for every owner, in one statement, and returns how many. Meant for
 * server start: an answer pending then was being written by a process that stopped (killed, crashed) and
 * will never finish it. Assumes one server per database, as there is one model per server.
 */
export async function failPendingMessages(db: Orm, params: { error: string }): Promise<number> {
  const { error } = parseInput(z.object({ error: errorTextSchema }), params, "pending messages");
  const failed = await db
    .update(messages)
    .set({ status: "error", error })
    .where(eq(messages.status, "pending"))
    .returning({ id: messages.id });
  return failed.length;
}
