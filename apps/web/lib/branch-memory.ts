// Remembers, per conversation, which branch the user was reading, so a reload shows the same versions
// of edited and regenerated messages. Without a memory the path follows the newest branch (branches.ts).
import { z } from "zod";
import type { Selection } from "./branches.ts";
import { type ItemStorage, readItem, writeItem } from "./browser-storage.ts";

export const BRANCH_MEMORY_KEY = "unilip.branch-selections";
/** Conversations remembered; the least recently changed is forgotten first, so storage stays small. */
export const MAX_REMEMBERED_CONVERSATIONS = 100;

// [conversation id, selection], least recently written first.
const memorySchema = z.array(z.tuple([z.string(), z.record(z.string(), z.string())]));
type Memory = z.infer<typeof memorySchema>;

function readMemory(storage: ItemStorage | null): Memory {
  const text = readItem(storage, BRANCH_MEMORY_KEY);
  if (text === null) return [];
  try {
    const parsed = memorySchema.safeParse(JSON.parse(text));
    // Another version of the app (or the user) may have written something else: start afresh.
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export function recallSelection(storage: ItemStorage | null, conversationId: string): Selection {
  return readMemory(storage).find(([id]) => id === conversationId)?.[1] ?? {};
}

/** Stores the selection as the conversation's newest; an empty one forgets the conversation. */
export function rememberSelection(
  storage: ItemStorage | null,
  conversationId: string,
  selection: Selection,
): boolean {
  const others = readMemory(storage).filter(([id]) => id !== conversationId);
  const kept =
    Object.keys(selection).length > 0 ? [...others, [conversationId, { ...selection }] as const] : others;
  return writeItem(storage, BRANCH_MEMORY_KEY, JSON.stringify(kept.slice(-MAX_REMEMBERED_CONVERSATIONS)));
}
