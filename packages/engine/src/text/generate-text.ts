// The autoregressive loop: prefill what the KV cache lacks, then one token at a time until a stop
// token, a stop sequence, the token budget, the model's context or the caller's AbortSignal.
import { KvCache, kvShapeOf } from "../cache/kv-cache.ts";
import type { PrefixCache } from "../cache/prefix-cache.ts";
import type { LoadedPackage } from "../package/types.ts";
import type { TextChunk, TextResult } from "../types.ts";
import { decoderStep } from "./decoder-step.ts";
import { embedTokens } from "./embed-tokens.ts";
import { prefillEmbeds } from "./prefill-embeds.ts";
import type { PreparedPrompt } from "./prepare-prompt.ts";
import { StopTextMatcher } from "./stop-text.ts";
import { TextStream } from "./text-stream.ts";
import { createTokenSelector, type SamplingSettings } from "./token-selector.ts";

export interface TextSettings extends SamplingSettings {
  maxNewTokens: number;
  stop: readonly string[];
  stopTokenIds: readonly number[];
  /** Include special tokens in the text (default: skip them). */
  keepSpecialTokens?: boolean;
  signal?: AbortSignal;
}

export interface TextOutcome extends TextResult {
  /** Prompt tokens whose keys and values came from the prefix cache instead of a prefill. */
  cachedTokens: number;
}

export async function* generateText(
  pkg: LoadedPackage,
  prompt: PreparedPrompt,
  settings: TextSettings,
  prefixCache?: PrefixCache,
): AsyncGenerator<TextChunk, TextOutcome> {
  const shape = kvShapeOf(pkg.manifest);
  const maxPosition = pkg.manifest.llm.max_position;
  const { cache, length: cachedTokens } = prefixCache?.restore(shape, prompt.ids, prompt.spans) ?? {
    cache: KvCache.empty(shape),
    length: 0,
  };
  /** Tokens whose keys and values the cache holds once the pending decoder call is done. */
  const fed = [...prompt.ids];
  let text = "";
  let completionTokens = 0;
  const finish = (finishReason: TextResult["finishReason"]): TextOutcome => ({
    text,
    finishReason,
    promptTokens: prompt.ids.length,
    completionTokens,
    cachedTokens,
  });
  try {
    if (settings.signal?.aborted) return finish("cancelled");
    let logits = await decoderStep(pkg, await prefillEmbeds(pkg, prompt, cachedTokens), cache);
    const select = createTokenSelector(settings);
    const stream = new TextStream(pkg.tokenizer, settings.keepSpecialTokens);
    const stops = new StopTextMatcher(settings.stop);
    for (;;) {
      if (settings.signal?.aborted) return finish("cancelled");
      const tokenId = select(logits);
      if (settings.stopTokenIds.includes(tokenId)) {
        // The stop token itself is not output; it only carries text held back for a stop sequence.
        const rest = stops.flush();
        text += rest;
        if (rest.length > 0) yield { text: rest, tokenId };
        return finish("stop");
      }
      completionTokens++;
      const check = stops.push(stream.push(tokenId));
      // The cache is full when every position is used: this token could not be fed back.
      const atLimit = completionTokens >= settings.maxNewTokens || fed.length >= maxPosition;
      const piece = atLimit && !check.stopped ? check.text + stops.flush() : check.text;
      text += piece;
      yield { text: piece, tokenId };
      if (check.stopped) return finish("stop");
      if (atLimit) return finish("length");
      if (settings.signal?.aborted) return finish("cancelled");
      logits = await decoderStep(pkg, await embedTokens(pkg, [[tokenId]]), cache);
      fed.push(tokenId);
    }
  } finally {
    if (prefixCache !== undefined && cache.length > 0 && cache.length === fed.length) {
      prefixCache.store(fed, prompt.spans, cache.take());
    }
    cache.dispose();
  }
}
