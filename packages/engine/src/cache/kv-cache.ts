// The decoder's key/value cache for one request: the past that each decoder call reads and the
// present it returns. Replaced tensors are disposed here, so no caller juggles per-layer tensors.
import * as ort from "onnxruntime-node";
import { EngineError } from "../errors.ts";
import type { Manifest } from "../package/manifest.ts";

export interface KvShape {
  layers: number;
  kvHeads: number;
  headDim: number;
}

export function kvShapeOf(manifest: Manifest): KvShape {
  return {
    layers: manifest.llm.num_layers,
    kvHeads: manifest.llm.num_kv_heads,
    headDim: manifest.llm.head_dim,
  };
}

const pastKey = (layer: number) => `past_key_values.${layer}.key`;
const pastValue = (layer: number) => `past_key_values.${layer}.value`;
const presentKey = (layer: number) => `present.${layer}.key`;
const presentValue = (layer: number) => `present.${layer}.value`;

/** The first `length` positions of a [1, KV, P, D] tensor, copied: (1, KV, P, D) -> (1, KV, length, D). */
function slicePast(tensor: ort.Tensor, length: number): ort.Tensor {
  const [batch, heads, past, dim] = tensor.dims as [number, number, number, number];
  const source = tensor.data as Float32Array;
  const out = new Float32Array(batch * heads * length * dim);
  for (let row = 0; row < batch * heads; row++) {
    out.set(source.subarray(row * past * dim, (row * past + length) * dim), row * length * dim);
  }
  return new ort.Tensor("float32", out, [batch, heads, length, dim]);
}

/**
 * One request's cache: batch 1, unless `empty` is given another batch (the condition's CFG pair).
 * `length` is P, the number of positions whose keys and values are held.
 */
export class KvCache {
  private constructor(
    private readonly shape: KvShape,
    private keys: ort.Tensor[],
    private values: ort.Tensor[],
  ) {}

  /** A cache holding no positions: every past is float32 [batch, KV, 0, D]. */
  static empty(shape: KvShape, batch = 1): KvCache {
    const none = () =>
      new ort.Tensor("float32", new Float32Array(0), [batch, shape.kvHeads, 0, shape.headDim]);
    return new KvCache(
      shape,
      Array.from({ length: shape.layers }, none),
      Array.from({ length: shape.layers }, none),
    );
  }

  /** A new cache holding a copy of the first `length` positions of `tensors` (which stay untouched). */
  static fromPrefix(shape: KvShape, tensors: KvTensors, length: number): KvCache {
    const available = tensors.keys[0]?.dims[2] ?? 0;
    if (length > available)
      throw new EngineError("runtime", `KV prefix of ${length} exceeds the ${available} cached`);
    return new KvCache(
      shape,
      tensors.keys.map((t) => slicePast(t, length)),
      tensors.values.map((t) => slicePast(t, length)),
    );
  }

  get length(): number {
    return this.keys[0]?.dims[2] ?? 0;
  }

  /** The past_key_values.* feeds for the next decoder call. */
  feeds(): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = {};
    for (let i = 0; i < this.shape.layers; i++) {
      feeds[pastKey(i)] = this.keys[i] as ort.Tensor;
      feeds[pastValue(i)] = this.values[i] as ort.Tensor;
    }
    return feeds;
  }

  /** Takes the decoder's present.* outputs as the new past and disposes the old one. */
  update(outputs: Record<string, ort.Tensor>): void {
    const keys: ort.Tensor[] = [];
    const values: ort.Tensor[] = [];
    for (let i = 0; i < this.shape.layers; i++) {
      const key = outputs[presentKey(i)];
      const value = outputs[presentValue(i)];
      if (key === undefined || value === undefined)
        throw new EngineError("runtime", `decoder returned no present.${i}.*`);
      keys.push(key);
      values.push(value);
    }
    this.dispose();
    this.keys = keys;
    this.values = values;
  }

  /** Hands the tensors to a new owner (the prefix cache); this cache is empty afterwards. */
  take(): KvTensors {
    const taken = { keys: this.keys, values: this.values };
    this.keys = [];
    this.values = [];
    return taken;
  }

  dispose(): void {
    for (const tensor of [...this.keys, ...this.values]) tensor.dispose();
    this.keys = [];
    this.values = [];
  }
}

/** Per-layer key and value tensors, each float32 [1, KV, P, D]. */
export interface KvTensors {
  keys: ort.Tensor[];
  values: ort.Tensor[];
}
