// Conversation prefixes and their decoder KV, so the next turn of a chat only prefills what is new.
// An entry is reusable up to the longest common token prefix, cut before the first image whose
// pixels differ (equal ids, different picture: the cached keys would be wrong).

import { KvCache, type KvShape, type KvTensors } from "./kv-cache.ts";
import { LruCache } from "./lru-cache.ts";

export interface CachedImageSpan {
  start: number;
  key: string;
}

interface PrefixEntry {
  ids: number[];
  spans: CachedImageSpan[];
  kv: KvTensors;
}

function disposeEntry(entry: PrefixEntry): void {
  for (const tensor of [...entry.kv.keys, ...entry.kv.values]) tensor.dispose();
}

function commonLength(a: readonly number[], b: readonly number[]): number {
  const limit = Math.min(a.length, b.length);
  let n = 0;
  while (n < limit && a[n] === b[n]) n++;
  return n;
}

/** How many leading tokens of `ids` the entry's KV is valid for. */
function reusableLength(
  entry: PrefixEntry,
  ids: readonly number[],
  spans: readonly CachedImageSpan[],
): number {
  let length = commonLength(entry.ids, ids);
  const before = (list: readonly CachedImageSpan[]) => list.filter((span) => span.start < length);
  const cached = before(entry.spans);
  const requested = before(spans);
  for (let i = 0; i < Math.max(cached.length, requested.length); i++) {
    const a = cached[i];
    const b = requested[i];
    if (a?.start !== b?.start || a?.key !== b?.key) {
      length = Math.min(length, a?.start ?? length, b?.start ?? length);
      break;
    }
  }
  return length;
}

export class PrefixCache {
  private readonly entries: LruCache<number, PrefixEntry>;
  private nextKey = 0;

  constructor(maxEntries: number) {
    this.entries = new LruCache(maxEntries, disposeEntry);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * A cache holding a copy of the longest reusable prefix of `ids` (at most ids.length - 1 tokens, so
   * the caller always prefills at least one token and gets logits), and that prefix's length.
   */
  restore(
    shape: KvShape,
    ids: readonly number[],
    spans: readonly CachedImageSpan[],
  ): { cache: KvCache; length: number } {
    let best: { key: number; length: number } | undefined;
    for (const key of this.entries.keys()) {
      const entry = this.entries.peek(key) as PrefixEntry;
      const length = Math.min(reusableLength(entry, ids, spans), ids.length - 1);
      if (length > 0 && length > (best?.length ?? 0)) best = { key, length };
    }
    if (best === undefined) return { cache: KvCache.empty(shape), length: 0 };
    const entry = this.entries.get(best.key) as PrefixEntry;
    return { cache: KvCache.fromPrefix(shape, entry.kv, best.length), length: best.length };
  }

  /** Takes ownership of `kv` (positions for `ids`); drops entries the new one fully extends. */
  store(ids: number[], spans: CachedImageSpan[], kv: KvTensors): void {
    const entry = { ids, spans, kv };
    for (const key of this.entries.keys()) {
      const old = this.entries.peek(key) as PrefixEntry;
      if (reusableLength(old, ids, spans) === old.ids.length) this.entries.delete(key);
    }
    this.entries.set(this.nextKey++, entry);
  }

  clear(): void {
    this.entries.clear();
  }
}
