// The server's public API (docs/app-api.md) as zod schemas: every response body and stream event is
// parsed here before the UI trusts it.
import { z } from "zod";

export const routeSchema = z.enum(["understand", "generate", "edit"]);
export type Route = z.infer<typeof routeSchema>;

/** What the composer may ask for: the model's own choice or a forced route. */
export type RouteChoice = "auto" | Route;

export const partSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({ type: z.literal("image"), image_id: z.string() }),
]);
export type Part = z.infer<typeof partSchema>;

/** The served model's defaults, from `/v1/models` (the one field of a model the UI reads). */
export const modelDefaultsSchema = z.object({
  steps: z.number(),
  guidance: z.number(),
  edit_guidance: z.number(),
  max_new_tokens: z.number(),
});
export type ModelDefaults = z.infer<typeof modelDefaultsSchema>;
export const modelListSchema = z.object({ data: z.array(z.object({ defaults: modelDefaultsSchema })) });

export const imageSettingsSchema = z.object({
  seed: z.number(),
  steps: z.number(),
  guidance: z.number(),
  sampler: z.string(),
});

export const imageMetaSchema = z.object({
  id: z.string(),
  url: z.string(),
  width: z.number(),
  height: z.number(),
  source: z.enum(["upload", "generated", "edited"]),
  parent_image_id: z.string().nullable(),
  instruction: z.string().nullable(),
  settings: imageSettingsSchema.nullable(),
  created_at: z.string(),
});
export type ImageMeta = z.infer<typeof imageMetaSchema>;

export const messageSchema = z.object({
  id: z.string(),
  conversation_id: z.string(),
  parent_id: z.string().nullable(),
  role: z.enum(["user", "assistant"]),
  content: z.array(partSchema),
  route: routeSchema.nullable(),
  status: z.enum(["pending", "complete", "cancelled", "error"]),
  error: z.string().nullable(),
  created_at: z.string(),
});
export type Message = z.infer<typeof messageSchema>;

export const conversationSchema = z.object({
  id: z.string(),
  title: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const conversationListSchema = z.object({ data: z.array(conversationSchema) });

export const conversationDetailSchema = z.object({
  conversation: conversationSchema,
  messages: z.array(messageSchema),
  images: z.array(imageMetaSchema),
});
export type ConversationDetail = z.infer<typeof conversationDetailSchema>;

export const lineageSchema = z.object({ data: z.array(imageMetaSchema) });

/** The OpenAI error object every failing route answers with. */
export const errorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
  }),
});

/** Optional per-turn settings; absent fields mean "the model's default". */
export interface TurnSettings {
  steps?: number;
  guidance?: number;
  seed?: number;
  max_tokens?: number;
  temperature?: number;
}

export interface SendMessageBody {
  parent_id: string | null;
  content: Part[];
  route?: RouteChoice;
  edit_image_id?: string;
  settings?: TurnSettings;
}

export interface RegenerateBody {
  route?: RouteChoice;
  settings?: TurnSettings;
}
