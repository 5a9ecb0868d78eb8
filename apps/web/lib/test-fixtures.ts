// Builders for API objects in unit tests: realistic values, overridable per test.
import type { ImageMeta, Message } from "./api-types.ts";

export function message(overrides: Partial<Message> & Pick<Message, "id">): Message {
  return {
    conversation_id: "c1",
    parent_id: null,
    role: "user",
    content: [],
    route: null,
    status: "complete",
    error: null,
    created_at: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}

export function imageMeta(overrides: Partial<ImageMeta> & Pick<ImageMeta, "id">): ImageMeta {
  return {
    url: `/v1/images/${overrides.id}`,
    width: 64,
    height: 64,
    source: "upload",
    parent_image_id: null,
    instruction: null,
    settings: null,
    created_at: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}

/** The Storage methods the app uses, over a Map (Node has no localStorage). */
export function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}
