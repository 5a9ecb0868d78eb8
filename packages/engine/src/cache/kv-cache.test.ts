import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import { KvCache } from "./kv-cache.ts";

const shape = { layers: 2, kvHeads: 2, headDim: 3 };

/** [1, KV, P, D] with value = 100 * head + 10 * position + d, so slices are easy to read. */
function past(positions: number): ort.Tensor {
  const data = new Float32Array(shape.kvHeads * positions * shape.headDim);
  for (let h = 0; h < shape.kvHeads; h++)
    for (let p = 0; p < positions; p++)
      for (let d = 0; d < shape.headDim; d++)
        data[(h * positions + p) * shape.headDim + d] = 100 * h + 10 * p + d;
  return new ort.Tensor("float32", data, [1, shape.kvHeads, positions, shape.headDim]);
}

function presents(positions: number): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (let i = 0; i < shape.layers; i++) {
    out[`present.${i}.key`] = past(positions);
    out[`present.${i}.value`] = past(positions);
  }
  return out;
}

describe("KvCache", () => {
  it("starts empty with zero-length past feeds for every layer", () => {
    const cache = KvCache.empty(shape);
    expect(cache.length).toBe(0);
    const feeds = cache.feeds();
    expect(Object.keys(feeds).sort()).toEqual([
      "past_key_values.0.key",
      "past_key_values.0.value",
      "past_key_values.1.key",
      "past_key_values.1.value",
    ]);
    expect(feeds["past_key_values.1.value"]?.dims).toEqual([1, 2, 0, 3]);
  });

  it("takes presents as the new past and disposes the replaced tensors", () => {
    const cache = KvCache.empty(shape);
    cache.update(presents(2));
    const first = cache.feeds()["past_key_values.0.key"] as ort.Tensor;
    cache.update(presents(3));
    expect(cache.length).toBe(3);
    expect(() => first.data).toThrow();
  });

  it("rejects decoder outputs without a layer's present", () => {
    const outputs = presents(1);
    delete outputs["present.1.value"];
    expect(() => KvCache.empty(shape).update(outputs)).toThrow(EngineError);
  });

  it("copies a prefix per head, leaving the source intact", () => {
    const source = { keys: [past(4), past(4)], values: [past(4), past(4)] };
    const cache = KvCache.fromPrefix(shape, source, 2);
    expect(cache.length).toBe(2);
    const key = cache.feeds()["past_key_values.0.key"] as ort.Tensor;
    expect([...(key.data as Float32Array)]).toEqual([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]);
    cache.dispose();
    expect(source.keys[0]?.dims).toEqual([1, 2, 4, 3]);
    expect(() => KvCache.fromPrefix(shape, source, 5)).toThrow(/exceeds/);
  });

  it("hands its tensors over with take() and is empty afterwards", () => {
    const cache = KvCache.empty(shape);
    cache.update(presents(2));
    const taken = cache.take();
    cache.dispose();
    expect(taken.keys[0]?.data.length).toBe(12);
    expect(cache.length).toBe(0);
  });
});
