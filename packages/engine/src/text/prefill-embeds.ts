// Input embeddings for the part of a prompt the KV cache does not hold yet, with image features
// written over the <IMG_CONTEXT> positions. Only images that reach into that part are encoded.
import type { Tensor } from "onnxruntime-node";
import { encodeImages } from "../image/encode-images.ts";
import type { LoadedPackage } from "../package/types.ts";
import { writeRows } from "../tensor/rows.ts";
import { embedTokens } from "./embed-tokens.ts";
import type { PreparedPrompt } from "./prepare-prompt.ts";

/** Embeddings [1, T - from, H] of `prompt.ids.slice(from)`. */
export async function prefillEmbeds(
  pkg: LoadedPackage,
  prompt: PreparedPrompt,
  from: number,
): Promise<Tensor> {
  const embeds = await embedTokens(pkg, [prompt.ids.slice(from)]);
  const perImage = pkg.manifest.vision.tokens_per_image;
  const hidden = pkg.manifest.llm.hidden_size;
  const pending = prompt.contextPositions
    .map((position, k) => ({ position, image: Math.floor(k / perImage), row: k % perImage }))
    .filter(({ position }) => position >= from);
  if (pending.length === 0) return embeds;
  const needed = [...new Set(pending.map(({ image }) => image))];
  const encoded = await encodeImages(
    pkg,
    needed.map((i) => prompt.images[i] as Float32Array),
  );
  const features = encoded.tokens.data as Float32Array; // (n_needed, N, H), what the LLM reads
  const rows = new Float32Array(pending.length * hidden);
  pending.forEach(({ image, row }, k) => {
    const offset = (needed.indexOf(image) * perImage + row) * hidden;
    rows.set(features.subarray(offset, offset + hidden), k * hidden);
  });
  writeRows(
    embeds.data as Float32Array,
    hidden,
    pending.map(({ position }) => position - from),
    rows,
  );
  return embeds;
}
