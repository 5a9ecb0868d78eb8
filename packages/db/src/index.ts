export { createDb, type Database, type DbOptions } from "./client.ts";
export { dbOptionsFromEnv, defaultDataDir } from "./data-dir.ts";
export { DbError, type DbErrorCode } from "./errors.ts";
export { LOCAL_OWNER } from "./ids.ts";
export { storableTextSchema } from "./input.ts";
export * from "./limits.ts";
export type { ApiKeyInfo } from "./queries/api-keys.ts";
export { IMAGE_MIME, type NewBatchImage, type NewImage } from "./queries/images.ts";
export type { CompletedTurn } from "./queries/turns.ts";
export type { Conversation } from "./schema/conversations.ts";
export { IMAGE_SOURCES, type ImageMeta, type ImageRow, type ImageSource } from "./schema/images.ts";
export * from "./schema/json-shapes.ts";
export {
  MESSAGE_ROLES,
  MESSAGE_STATUSES,
  type Message,
  type MessageRole,
  type MessageStatus,
  ROUTES,
  type Route,
} from "./schema/messages.ts";
export { createStore, type Store } from "./store.ts";
