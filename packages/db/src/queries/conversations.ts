import { and, desc, eq, sql } from "drizzle-orm";
import { createInsertSchema } from "drizzle-zod";
import { z } from "zod";
import type { Orm } from "../client.ts";
import { found } from "../errors.ts";
import { newId } from "../ids.ts";
import { idSchema, parseInput, storableTextSchema } from "../input.ts";
import { DEFAULT_CONVERSATION_TITLE, MAX_CONVERSATIONS_LISTED, MAX_TITLE_LENGTH } from "../limits.ts";
import { type Conversation, conversations } from "../schema/conversations.ts";

const titleSchema = storableTextSchema.trim().min(1).max(MAX_TITLE_LENGTH);
const ownedSchema = z.object({ ownerId: idSchema, id: idSchema });

const createSchema = createInsertSchema(conversations, { ownerId: idSchema, title: titleSchema })
  .pick({ ownerId: true, title: true })
  .partial({ title: true });

const listSchema = z.object({
  ownerId: idSchema,
  limit: z.int().min(1).max(MAX_CONVERSATIONS_LISTED).default(MAX_CONVERSATIONS_LISTED),
});

/** The owner's conversations, most recently active first. */
export async function listConversations(
  db: Orm,
  params: { ownerId: string; limit?: number },
): Promise<Conversation[]> {
  const { ownerId, limit } = parseInput(listSchema, params, "conversation list");
  return db
    .select()
    .from(conversations)
    .where(eq(conversations.ownerId, ownerId))
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(limit);
}

export async function createConversation(
  db: Orm,
  params: { ownerId: string; title?: string },
): Promise<Conversation> {
  const { ownerId, title } = parseInput(createSchema, params, "conversation");
  const [row] = await db
    .insert(conversations)
    .values({ id: newId("conversation"), ownerId, title: title ?? DEFAULT_CONVERSATION_TITLE })
    .returning();
  return found(row, "conversation");
}

export async function getConversation(
  db: Orm,
  params: { ownerId: string; id: string },
): Promise<Conversation> {
  const { ownerId, id } = parseInput(ownedSchema, params, "conversation id");
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.ownerId, ownerId)));
  return found(row, "conversation");
}

export async function renameConversation(
  db: Orm,
  params: { ownerId: string; id: string; title: string },
): Promise<Conversation> {
  const { ownerId, id, title } = parseInput(
    ownedSchema.extend({ title: titleSchema }),
    params,
    "conversation",
  );
  const [row] = await db
    .update(conversations)
    .set({ title, updatedAt: sql`clock_timestamp()` })
    .where(and(eq(conversations.id, id), eq(conversations.ownerId, ownerId)))
    .returning();
  return found(row, "conversation");
}

/**
 * Deletes a conversation with its messages and images. One statement, hence one transaction: the foreign
 * keys' ON DELETE CASCADE remove the messages and images inside it.
 */
export async function deleteConversation(db: Orm, params: { ownerId: string; id: string }): Promise<void> {
  const { ownerId, id } = parseInput(ownedSchema, params, "conversation id");
  const [row] = await db
    .delete(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.ownerId, ownerId)))
    .returning({ id: conversations.id });
  found(row, "conversation");
}

/** Marks the conversation active now, so it rises to the top of the list. Call inside the writing transaction. */
export async function touchConversation(db: Orm, id: string): Promise<void> {
  await db.update(conversations).set({ updatedAt: sql`clock_timestamp()` }).where(eq(conversations.id, id));
}
