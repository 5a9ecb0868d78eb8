// The DiT condition (UniLIP's dual condition): the prompt's last-layer hidden states followed by the
// learnable queries, run through the connector. For edits the source image's encoder features enter
// the LLM at the <IMG_CONTEXT> positions and are written again over the hidden states there, so the
// DiT sees the raw, detailed features of the image it edits.
import * as ort from "onnxruntime-node";
import { KvCache, kvShapeOf } from "../cache/kv-cache.ts";
import { EngineError } from "../errors.ts";
import type { LoadedPackage } from "../package/types.ts";
import { tokenPositions, writeRows } from "../tensor/rows.ts";
import { tokenizePrompt } from "../text/conversation.ts";
import { embedTokens } from "../text/embed-tokens.ts";

export interface DitCondition {
  /** float32 [2, L, Cc]: null half first, then cond. */
  condition: ort.Tensor;
  /** int64 [2, L]: 0 at left padding. */
  mask: ort.Tensor;
  /** int64 [2, L]: 1 where the source image's features sit, in grid order (all 0 without an image). */
  imageMask: ort.Tensor;
}

export interface ConditionRequest {
  /** User turns for the (null, cond) halves; the image marker shows where the source image goes. */
  userTexts: readonly [string, string];
  /** For edits, the source image: its features, float32 [N*H], written over the hidden states, and what
   * the LLM reads at its tokens (the same features, tagged when the model has cell tags). */
  image?: { features: Float32Array; tokens: Float32Array };
}

interface PaddedBatch {
  /** [2][T] ids, left-padded. */
  ids: number[][];
  /** [2, L] with L = T + n_query; the queries are always attended. */
  mask: BigInt64Array;
  length: number;
}

function padPair(pkg: LoadedPackage, pair: readonly [number[], number[]]): PaddedBatch {
  const { tokens, queries, llm } = pkg.manifest;
  const textLength = Math.max(pair[0].length, pair[1].length);
  const length = textLength + queries.count;
  if (length > llm.max_position) {
    throw new EngineError(
      "invalid_argument",
      `the prompt needs ${length} positions (${textLength} tokens + ${queries.count} queries); the model allows ${llm.max_position}`,
    );
  }
  const mask = new BigInt64Array(2 * length);
  const ids = pair.map((row, b) => {
    const padding = textLength - row.length;
    mask.fill(1n, b * length + padding, (b + 1) * length);
    return [...new Array<number>(padding).fill(tokens.pad), ...row];
  });
  return { ids, mask, length };
}

/** position_ids = cumsum(mask) - 1, with padding clamped to 0. */
function positionIds(mask: BigInt64Array, length: number): BigInt64Array {
  const positions = new BigInt64Array(mask.length);
  for (let b = 0; b * length < mask.length; b++) {
    let seen = 0n;
    for (let t = 0; t < length; t++) {
      seen += mask[b * length + t] ?? 0n;
      positions[b * length + t] = seen > 0n ? seen - 1n : 0n;
    }
  }
  return positions;
}

/** One half's ids: the user turn, the generation prompt, the assistant prefix ("<img>"). */
function promptIds(pkg: LoadedPackage, userText: string, imageCount: number): number[] {
  const rendered = pkg.tokenizer.chatPrompt([{ role: "user", content: userText }], true);
  return tokenizePrompt(pkg, rendered + pkg.manifest.templates.assistant_prefix, imageCount);
}

export async function buildCondition(pkg: LoadedPackage, request: ConditionRequest): Promise<DitCondition> {
  const { llm, queries, tokens, dit } = pkg.manifest;
  const hidden = llm.hidden_size;
  const imageCount = request.image === undefined ? 0 : 1;
  const pair = [
    promptIds(pkg, request.userTexts[0], imageCount),
    promptIds(pkg, request.userTexts[1], imageCount),
  ] as const;
  const { ids, mask, length } = padPair(pkg, pair);
  const textLength = length - queries.count;
  const imageRows = ids.map((row) => tokenPositions(row, tokens.img_context));

  const embeds = (await embedTokens(pkg, ids)).data as Float32Array;
  const inputs = new Float32Array(2 * length * hidden);
  const queryData = pkg.queries.data as Float32Array;
  for (let b = 0; b < 2; b++) {
    // [2, T, H] embeddings + [n_query, H] queries -> [2, T + n_query, H]
    inputs.set(embeds.subarray(b * textLength * hidden, (b + 1) * textLength * hidden), b * length * hidden);
    inputs.set(queryData, (b * length + textLength) * hidden);
    if (request.image !== undefined) {
      writeRows(inputs, hidden, imageRows[b] ?? [], request.image.tokens, b * length);
    }
  }

  const attentionMask = new ort.Tensor("int64", mask, [2, length]);
  const decoded = await pkg.run("decoder", {
    inputs_embeds: new ort.Tensor("float32", inputs, [2, length, hidden]),
    attention_mask: attentionMask,
    position_ids: new ort.Tensor("int64", positionIds(mask, length), [2, length]),
    ...KvCache.empty(kvShapeOf(pkg.manifest), 2).feeds(),
  });
  const states = decoded.hidden_states;
  if (states === undefined || states.data.length !== inputs.length) {
    throw new EngineError("runtime", `decoder returned hidden_states of shape [${states?.dims ?? "none"}]`);
  }
  const hiddenStates = Float32Array.from(states.data as Float32Array);
  const imageMask = new BigInt64Array(2 * length);
  if (request.image !== undefined) {
    for (let b = 0; b < 2; b++) {
      const rows = imageRows[b] ?? [];
      writeRows(hiddenStates, hidden, rows, request.image.features, b * length);
      for (const row of rows) imageMask[b * length + row] = 1n;
    }
  }

  const connected = await pkg.run("connector", {
    hidden_states: new ort.Tensor("float32", hiddenStates, [2, length, hidden]),
    attention_mask: attentionMask,
  });
  const condition = connected.condition;
  if (condition === undefined || condition.data.length !== 2 * length * dit.caption_channels) {
    throw new EngineError("runtime", `connector returned condition of shape [${condition?.dims ?? "none"}]`);
  }
  return { condition, mask: attentionMask, imageMask: new ort.Tensor("int64", imageMask, [2, length]) };
}
