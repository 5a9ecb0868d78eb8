// A small bounded map that forgets the least recently used entry first. Used for encoder features
// and conversation KV prefixes, both of which are large and only worth keeping while recent.

export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(
    readonly maxEntries: number,
    /** Called with each entry that leaves the cache (evicted, replaced or cleared). */
    private readonly onEvict?: (value: V, key: K) => void,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError(`maxEntries must be >= 1, got ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Map keeps insertion order: re-inserting moves the entry to the most recent end.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    const previous = this.entries.get(key);
    this.entries.delete(key);
    if (previous !== undefined && previous !== value) this.onEvict?.(previous, key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [K, V];
      this.entries.delete(oldestKey);
      this.onEvict?.(oldest, oldestKey);
    }
  }

  /** Reads an entry without making it more recent. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Keys from least to most recently used, as a snapshot (safe to delete while iterating). */
  keys(): K[] {
    return [...this.entries.keys()];
  }

  delete(key: K): boolean {
    const value = this.entries.get(key);
    if (value === undefined) return false;
    this.entries.delete(key);
    this.onEvict?.(value, key);
    return true;
  }

  clear(): void {
    for (const key of this.keys()) this.delete(key);
  }
}
