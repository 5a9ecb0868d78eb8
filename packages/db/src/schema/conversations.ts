import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.ts";

export const conversations = pgTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    // An API key id, or LOCAL_OWNER; not a foreign key because the local owner has no key row.
    ownerId: text("owner_id").notNull(),
    title: text("title").notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
  },
  // Ascending on purpose: "newest first" reads it backwards, which matches DESC NULLS FIRST exactly.
  (t) => [index("conversations_owner_updated_idx").on(t.ownerId, t.updatedAt, t.id)],
);

export type Conversation = typeof conversations.$inferSelect;
export type NewConversation = typeof conversations.$inferInsert;
