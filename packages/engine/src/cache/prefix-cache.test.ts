import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import type { KvTensors } from "./kv-cache.ts";
import { PrefixCache } from "./prefix-cache.ts";

const shape = { layers: 1, kvHeads: 1, headDim: 1 };

/** KV whose value at position p is p, for `positions` positions. */
function kv(positions: number): KvTensors {
  const tensor = () =>
    new ort.Tensor(
      "float32",
      Float32Array.from({ length: positions }, (_, p) => p),
      [1, 1, positions, 1],
    );
  return { keys: [tensor()], values: [tensor()] };
}

describe("PrefixCache", () => {
  it("reuses the longest common prefix, always leaving one token to prefill", () => {
    const cache = new PrefixCache(4);
    cache.store([1, 2, 3, 4], [], kv(4));
    const hit = cache.restore(shape, [1, 2, 3, 9, 9], []);
    expect(hit.length).toBe(3);
    expect(Array.from(hit.cache.feeds()["past_key_values.0.key"]?.data as Float32Array)).toEqual([0, 1, 2]);
    expect(cache.restore(shape, [1, 2, 3, 4], []).length).toBe(3);
    expect(cache.restore(shape, [7, 8], []).length).toBe(0);
  });

  it("cuts the prefix before an image whose pixels differ", () => {
    const cache = new PrefixCache(4);
    cache.store([1, 5, 6, 6, 7, 2], [{ start: 1, key: "red" }], kv(6));
    expect(cache.restore(shape, [1, 5, 6, 6, 7, 2, 3], [{ start: 1, key: "blue" }]).length).toBe(1);
    expect(cache.restore(shape, [1, 5, 6, 6, 7, 2, 3], [{ start: 1, key: "red" }]).length).toBe(6);
  });

  it("picks the entry with the longest reusable prefix", () => {
    const cache = new PrefixCache(4);
    cache.store([1, 2], [], kv(2));
    cache.store([3, 4, 5, 6], [], kv(4));
    expect(cache.restore(shape, [3, 4, 5, 0], []).length).toBe(3);
    expect(cache.restore(shape, [1, 2, 0], []).length).toBe(2);
  });

  it("drops an entry that a new one fully extends, and evicts beyond its size", () => {
    const cache = new PrefixCache(2);
    const old = kv(2);
    cache.store([1, 2], [], old);
    cache.store([1, 2, 3], [], kv(3));
    expect(cache.size).toBe(1);
    expect(() => old.keys[0]?.data).toThrow();
    cache.store([4], [], kv(1));
    cache.store([5], [], kv(1));
    expect(cache.size).toBe(2);
    expect(cache.restore(shape, [1, 2, 3, 4], []).length).toBe(0);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
