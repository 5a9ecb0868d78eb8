// Token ids -> input embeddings through the package's embed_tokens graph.
import * as ort from "onnxruntime-node";
import { EngineError } from "../errors.ts";
import type { LoadedPackage } from "../package/types.ts";

/** Embeds equal-length rows of ids: [B][T] -> float32 [B, T, H]. */
export async function embedTokens(
  pkg: LoadedPackage,
  rows: readonly (readonly number[])[],
): Promise<ort.Tensor> {
  const length = rows[0]?.length ?? 0;
  if (length === 0 || rows.some((row) => row.length !== length)) {
    throw new EngineError(
      "runtime",
      `embedTokens needs non-empty rows of equal length, got [${rows.map((r) => r.length)}]`,
    );
  }
  const ids = BigInt64Array.from(rows.flat(), (id) => BigInt(id));
  const input = new ort.Tensor("int64", ids, [rows.length, length]);
  const out = await pkg.run("embed_tokens", { input_ids: input });
  const embeds = out.inputs_embeds;
  if (embeds === undefined) throw new EngineError("runtime", "embed_tokens returned no inputs_embeds");
  return embeds;
}
