import { sql } from "drizzle-orm";
import { check, foreignKey, index, jsonb, pgTable, text, unique } from "drizzle-orm/pg-core";
import { createdAt, oneOf } from "./columns.ts";
import { conversations } from "./conversations.ts";
import type { Part, Usage } from "./json-shapes.ts";

export const MESSAGE_ROLES = ["user", "assistant"] as const;
export const ROUTES = ["understand", "generate", "edit"] as const;
export const MESSAGE_STATUSES = ["pending", "complete", "cancelled", "error"] as const;

export type MessageRole = (typeof MESSAGE_ROLES)[number];
export type Route = (typeof ROUTES)[number];
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** A tree per conversation: `parent_id` makes branches (an edited question, a regenerated answer). */
export const messages = pgTable(
  "messages",
  {
    id: text("id").primaryKey(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    parentId: text("parent_id"),
    role: text("role", { enum: MESSAGE_ROLES }).notNull(),
    content: jsonb("content").$type<Part[]>().notNull(),
    route: text("route", { enum: ROUTES }),
    status: text("status", { enum: MESSAGE_STATUSES }).notNull(),
    error: text("error"),
    usage: jsonb("usage").$type<Usage>(),
    createdAt: createdAt(),
  },
  (t) => [
    // The pair is unique so that children can point at (conversation, parent): a parent in another
    // conversation is then impossible, not merely unchecked.
    unique("messages_conversation_id_id_key").on(t.conversationId, t.id),
    foreignKey({
      name: "messages_parent_fk",
      columns: [t.conversationId, t.parentId],
      foreignColumns: [t.conversationId, t.id],
    }).onDelete("cascade"),
    index("messages_conversation_created_idx").on(t.conversationId, t.createdAt),
    index("messages_parent_idx").on(t.conversationId, t.parentId),
    check("messages_role_check", oneOf(t.role, MESSAGE_ROLES)),
    check("messages_route_check", oneOf(t.route, ROUTES)),
    check("messages_status_check", oneOf(t.status, MESSAGE_STATUSES)),
    check("messages_error_check", sql`${t.error} is null or ${t.status} = 'error'`),
  ],
);

export type Message = typeof messages.$inferSelect;
export type NewMessage = typeof messages.$inferInsert;
