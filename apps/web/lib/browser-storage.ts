// What the browser remembers across reloads (a hidden note, the branch a user was reading). Storage can be
// missing or refuse access (private windows, blocked site data, a full quota); forgetting is better than a
// page that fails, so every failure reads as "nothing stored" and a write that fails is skipped.

export type ItemStorage = Pick<Storage, "getItem" | "setItem">;

/** The page's localStorage, or null where the browser denies it (reading the property can throw). */
export function browserStorage(): ItemStorage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null;
  }
}

export function readItem(storage: ItemStorage | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** Whether the item was stored. */
export function writeItem(storage: ItemStorage | null, key: string, value: string): boolean {
  try {
    storage?.setItem(key, value);
    return storage !== null;
  } catch {
    return false;
  }
}

export function readFlag(storage: ItemStorage | null, key: string): boolean {
  return readItem(storage, key) === "1";
}

export function writeFlag(storage: ItemStorage | null, key: string): boolean {
  return writeItem(storage, key, "1");
}
