// One batch-1 decoder call that continues a KvCache: positions and the attention mask follow from the
// cache length, so prefill (T prompt tokens) and decoding (T = 1) are the same call.
import * as ort from "onnxruntime-node";
import type { KvCache } from "../cache/kv-cache.ts";
import { EngineError } from "../errors.ts";
import type { LoadedPackage } from "../package/types.ts";

/** Runs embeds [1, T, H] after the cached past; updates the cache; returns the last position's logits [V]. */
export async function decoderStep(
  pkg: LoadedPackage,
  embeds: ort.Tensor,
  cache: KvCache,
): Promise<Float32Array> {
  const steps = embeds.dims[1] ?? 0;
  const past = cache.length;
  const total = past + steps;
  if (total > pkg.manifest.llm.max_position) {
    throw new EngineError(
      "invalid_argument",
      `conversation needs ${total} positions; the model supports ${pkg.manifest.llm.max_position}`,
    );
  }
  const attentionMask = new ort.Tensor("int64", new BigInt64Array(total).fill(1n), [1, total]);
  const positionIds = new ort.Tensor(
    "int64",
    BigInt64Array.from({ length: steps }, (_, t) => BigInt(past + t)),
    [1, steps],
  );
  const outputs = await pkg.run("decoder", {
    inputs_embeds: embeds,
    attention_mask: attentionMask,
    position_ids: positionIds,
    ...cache.feeds(),
  });
  cache.update(outputs);
  const logits = outputs.logits;
  if (logits === undefined) throw new EngineError("runtime", "decoder returned no logits");
  const vocab = logits.dims[2] ?? 0;
  // (1, T, V) -> the row of position T-1, copied so the large tensor can be released.
  const last = (logits.data as Float32Array).slice((steps - 1) * vocab, steps * vocab);
  logits.dispose();
  outputs.hidden_states?.dispose();
  return last;
}
