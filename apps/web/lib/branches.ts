// A conversation is a tree: editing a message or regenerating an answer adds a sibling. The UI shows one
// path from a root to a leaf; a selection says which sibling to take below each parent. Where nothing was
// chosen the path follows the branch holding the newest message: that is where the user last worked,
// which also makes a reload land on the same branch.

export interface TreeNode {
  id: string;
  parent_id: string | null;
  created_at: string;
}

/** Parent key -> the chosen child's id. Roots (parent_id null) are keyed by ROOT_KEY. */
export type Selection = Readonly<Record<string, string>>;

export const ROOT_KEY = "";

export interface PathEntry<T extends TreeNode> {
  message: T;
  /** Ids of the message and its siblings, oldest first. */
  siblingIds: string[];
  /** Position of the message among its siblings (0-based). */
  index: number;
}

function parentKey(node: TreeNode): string {
  return node.parent_id ?? ROOT_KEY;
}

function byCreation(a: TreeNode, b: TreeNode): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function childrenByParent<T extends TreeNode>(messages: readonly T[]): Map<string, T[]> {
  const children = new Map<string, T[]>();
  for (const message of messages) {
    const key = parentKey(message);
    const list = children.get(key);
    if (list) list.push(message);
    else children.set(key, [message]);
  }
  for (const list of children.values()) list.sort(byCreation);
  return children;
}

/** Message id -> the newest `created_at` in its subtree (itself included). */
function newestInSubtrees(messages: readonly TreeNode[]): Map<string, string> {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const newest = new Map<string, string>();
  for (const message of messages) {
    const seen = new Set<string>();
    let node: TreeNode | undefined = message;
    while (node && !seen.has(node.id)) {
      seen.add(node.id);
      const known = newest.get(node.id);
      if (known === undefined || known < message.created_at) newest.set(node.id, message.created_at);
      node = node.parent_id === null ? undefined : byId.get(node.parent_id);
    }
  }
  return newest;
}

/** Index of the sibling whose branch holds the newest message; the later sibling wins a tie. */
function defaultIndex(siblings: readonly TreeNode[], newest: Map<string, string>): number {
  let best = 0;
  siblings.forEach((sibling, i) => {
    const mine = newest.get(sibling.id) ?? sibling.created_at;
    const bestSoFar = newest.get(siblings[best]?.id ?? "") ?? "";
    if (mine >= bestSoFar) best = i;
  });
  return best;
}

/** The path the UI shows: from the chosen root down to a leaf. */
export function selectPath<T extends TreeNode>(messages: readonly T[], selection: Selection): PathEntry<T>[] {
  const children = childrenByParent(messages);
  const newest = newestInSubtrees(messages);
  const path: PathEntry<T>[] = [];
  const seen = new Set<string>();
  let key = ROOT_KEY;
  for (;;) {
    const siblings = children.get(key);
    if (!siblings || siblings.length === 0) return path;
    const chosen = selection[key];
    const found = chosen === undefined ? -1 : siblings.findIndex((m) => m.id === chosen);
    const index = found === -1 ? defaultIndex(siblings, newest) : found;
    const message = siblings[index];
    // A message that is its own ancestor would loop forever; the server never sends one, but the
    // UI must not hang if it did.
    if (!message || seen.has(message.id)) return path;
    seen.add(message.id);
    path.push({ message, siblingIds: siblings.map((m) => m.id), index });
    key = message.id;
  }
}

/** A selection under which the path runs through `messageId` (used when a new message arrives). */
export function selectThrough(
  messages: readonly TreeNode[],
  selection: Selection,
  messageId: string,
): Selection {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const next: Record<string, string> = { ...selection };
  const seen = new Set<string>();
  let node = byId.get(messageId);
  while (node && !seen.has(node.id)) {
    seen.add(node.id);
    next[parentKey(node)] = node.id;
    node = node.parent_id === null ? undefined : byId.get(node.parent_id);
  }
  return next;
}

/**
 * The selection after moving from `messageId` to its sibling `delta` places away (-1 = previous,
 * +1 = next); unchanged when there is no such sibling.
 */
export function switchSibling(
  messages: readonly TreeNode[],
  selection: Selection,
  messageId: string,
  delta: number,
): Selection {
  const message = messages.find((m) => m.id === messageId);
  if (!message) return selection;
  const key = parentKey(message);
  const siblings = childrenByParent(messages).get(key) ?? [];
  const target = siblings[siblings.findIndex((m) => m.id === messageId) + delta];
  if (!target || delta === 0) return selection;
  return { ...selection, [key]: target.id };
}

/** The id of the last message on the shown path: the parent of the next message the user sends. */
export function leafId<T extends TreeNode>(path: readonly PathEntry<T>[]): string | null {
  return path.at(-1)?.message.id ?? null;
}
