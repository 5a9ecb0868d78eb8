// Database rows -> the App API's JSON (docs/app-api.md): snake_case fields, ISO times, image URLs. The
// zod schemas describe the answers in /openapi.json; the functions are typed by them.
import { type Conversation, IMAGE_SOURCES, type ImageMeta, type Message, partSchema } from "@unilip/db";
import { z } from "zod";
import { routeSchema } from "../schemas/common.ts";

export const conversationJsonSchema = z.object({
  id: z.string(),
  title: z.string(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});

export const messageJsonSchema = z.object({
  id: z.string(),
  conversation_id: z.string(),
  parent_id: z.string().nullable(),
  role: z.enum(["user", "assistant"]),
  content: z.array(partSchema),
  route: routeSchema.nullable(),
  status: z.enum(["pending", "complete", "cancelled", "error"]),
  error: z.string().nullable(),
  created_at: z.iso.datetime(),
});

export const imageMetaJsonSchema = z.object({
  id: z.string(),
  url: z.string(),
  width: z.int(),
  height: z.int(),
  source: z.enum(IMAGE_SOURCES),
  parent_image_id: z.string().nullable(),
  instruction: z.string().nullable(),
  settings: z.object({ seed: z.int(), steps: z.int(), guidance: z.number(), sampler: z.string() }).nullable(),
  created_at: z.iso.datetime(),
});

export type ConversationJson = z.infer<typeof conversationJsonSchema>;
export type MessageJson = z.infer<typeof messageJsonSchema>;
export type ImageMetaJson = z.infer<typeof imageMetaJsonSchema>;

export function conversationJson(row: Conversation): ConversationJson {
  return {
    id: row.id,
    title: row.title,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function messageJson(row: Message): MessageJson {
  return {
    id: row.id,
    conversation_id: row.conversationId,
    parent_id: row.parentId,
    role: row.role,
    content: row.content,
    route: row.route,
    status: row.status,
    error: row.error,
    created_at: row.createdAt.toISOString(),
  };
}

export function imageUrl(id: string): string {
  return `/v1/images/${id}`;
}

export function imageMetaJson(row: ImageMeta): ImageMetaJson {
  return {
    id: row.id,
    url: imageUrl(row.id),
    width: row.width,
    height: row.height,
    source: row.source,
    parent_image_id: row.parentImageId,
    instruction: row.instruction,
    settings: row.settings,
    created_at: row.createdAt.toISOString(),
  };
}
