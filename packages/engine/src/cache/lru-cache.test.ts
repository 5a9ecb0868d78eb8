import { describe, expect, it } from "vitest";
import { LruCache } from "./lru-cache.ts";

describe("LruCache", () => {
  it("evicts the least recently used entry and reports it", () => {
    const evicted: string[] = [];
    const cache = new LruCache<string, number>(2, (_, key) => evicted.push(key));
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect(evicted).toEqual(["b"]);
    expect(cache.keys()).toEqual(["a", "c"]);
    expect(cache.size).toBe(2);
  });

  it("reports replaced and deleted values, and clears everything", () => {
    const evicted: number[] = [];
    const cache = new LruCache<string, number>(3, (value) => evicted.push(value));
    cache.set("a", 1);
    cache.set("a", 2);
    cache.set("b", 3);
    expect(cache.delete("b")).toBe(true);
    expect(cache.delete("b")).toBe(false);
    cache.clear();
    expect(evicted).toEqual([1, 3, 2]);
    expect(cache.size).toBe(0);
  });

  it("refuses a size below one", () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
