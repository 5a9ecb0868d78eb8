import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
} from "drizzle-orm/pg-core";
import { bytea, createdAt, isSha256Hex, oneOf } from "./columns.ts";
import { conversations } from "./conversations.ts";
import type { ImageSettings } from "./json-shapes.ts";
import { messages } from "./messages.ts";

export const IMAGE_SOURCES = ["upload", "generated", "edited"] as const;
export type ImageSource = (typeof IMAGE_SOURCES)[number];

/**
 * An upload starts with no conversation and joins one when a message first shows it; generated and
 * edited images belong to the assistant message that produced them. Either way they go with the
 * conversation.
 */
export const images = pgTable(
  "images",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    conversationId: text("conversation_id").references(() => conversations.id, { onDelete: "cascade" }),
    messageId: text("message_id"),
    bytes: bytea("bytes").notNull(),
    mime: text("mime").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    source: text("source", { enum: IMAGE_SOURCES }).notNull(),
    // SET NULL: deleting the conversation that holds an ancestor shortens the lineage of later edits
    // made elsewhere instead of deleting them.
    parentImageId: text("parent_image_id").references((): AnyPgColumn => images.id, { onDelete: "set null" }),
    instruction: text("instruction"),
    settings: jsonb("settings").$type<ImageSettings>(),
    sha256: text("sha256").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({
      name: "images_message_fk",
      columns: [t.conversationId, t.messageId],
      foreignColumns: [messages.conversationId, messages.id],
    }).onDelete("cascade"),
    index("images_conversation_created_idx").on(t.conversationId, t.createdAt),
    index("images_message_idx").on(t.conversationId, t.messageId),
    index("images_parent_idx").on(t.parentImageId),
    check("images_source_check", oneOf(t.source, IMAGE_SOURCES)),
    check("images_size_check", sql`${t.width} > 0 and ${t.height} > 0`),
    check("images_sha256_check", isSha256Hex(t.sha256)),
    // The composite foreign key is only checked when both columns are set.
    check(
      "images_message_conversation_check",
      sql`${t.messageId} is null or ${t.conversationId} is not null`,
    ),
  ],
);

export type ImageRow = typeof images.$inferSelect;
export type NewImageRow = typeof images.$inferInsert;
/** An image without its bytes: what lists and API answers carry. */
export type ImageMeta = Omit<ImageRow, "bytes">;
