import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KvCache, kvShapeOf } from "../cache/kv-cache.ts";
import { PrefixCache } from "../cache/prefix-cache.ts";
import { encodePng } from "../image/encode-png.ts";
import {
  copyPackage,
  FIXTURE_PACKAGE_DIR,
  fixtureTensor,
  maxAbsDiff,
  readFixtures,
} from "../package/fixture-package.test-helper.ts";
import { loadPackage } from "../package/load-package.ts";
import type { LoadedPackage } from "../package/types.ts";
import type { ChatMessage, TextChunk } from "../types.ts";
import { decoderStep } from "./decoder-step.ts";
import { embedTokens } from "./embed-tokens.ts";
import { generateText, type TextOutcome, type TextSettings } from "./generate-text.ts";
import { prefillEmbeds } from "./prefill-embeds.ts";
import { type PreparedPrompt, preparePrompt, promptFromPixels } from "./prepare-prompt.ts";

const TOLERANCE = 1e-4;
const golden = readFixtures().pipelines.understand;
const tensor = (name: string) => {
  const entry = golden.tensors[name];
  if (entry === undefined) throw new Error(`fixture has no ${name}`);
  return fixtureTensor(entry);
};

async function collect(
  generator: AsyncGenerator<TextChunk, TextOutcome>,
  onChunk?: (chunk: TextChunk) => void,
): Promise<{ chunks: TextChunk[]; result: TextOutcome }> {
  const chunks: TextChunk[] = [];
  let step = await generator.next();
  while (step.done !== true) {
    chunks.push(step.value);
    onChunk?.(step.value);
    step = await generator.next();
  }
  return { chunks, result: step.value };
}

describe("text generation on the tiny package", () => {
  let pkg: LoadedPackage;
  let prompt: PreparedPrompt;
  let greedy: TextSettings;
  beforeAll(async () => {
    pkg = await loadPackage(FIXTURE_PACKAGE_DIR);
    prompt = promptFromPixels(pkg, golden.text, [tensor("images").data as Float32Array]);
    greedy = {
      maxNewTokens: golden.max_new_tokens,
      temperature: 0,
      topK: 0,
      topP: 1,
      seed: 0,
      stop: [],
      stopTokenIds: golden.stop_token_ids,
    };
  });
  afterAll(() => pkg.dispose());

  it("builds the prompt ids and embeddings PyTorch built", async () => {
    expect(prompt.ids).toEqual([...tensor("input_ids").data].map(Number));
    const embeds = await prefillEmbeds(pkg, prompt, 0);
    expect(
      maxAbsDiff(embeds.data as Float32Array, tensor("inputs_embeds").data as Float32Array),
    ).toBeLessThanOrEqual(TOLERANCE);
  });

  it("matches PyTorch's logits at the prefill and at every cached decoding step", async () => {
    const cache = KvCache.empty(kvShapeOf(pkg.manifest));
    const prefill = tensor("prefill_logits");
    const vocab = prefill.dims[2] as number;
    const lastRow = (prefill.data as Float32Array).subarray(prefill.data.length - vocab);
    let logits = await decoderStep(pkg, await prefillEmbeds(pkg, prompt, 0), cache);
    expect(maxAbsDiff(logits, lastRow)).toBeLessThanOrEqual(TOLERANCE);
    const steps = tensor("step_logits").data as Float32Array;
    const output = [...tensor("output_ids").data].map(Number);
    const rows = steps.length / vocab; // row k chose token k; a final extra row chose the stop token
    for (let k = 0; k < rows; k++) {
      expect(maxAbsDiff(logits, steps.subarray(k * vocab, (k + 1) * vocab)), `step ${k}`).toBeLessThanOrEqual(
        TOLERANCE,
      );
      if (k + 1 < rows)
        logits = await decoderStep(pkg, await embedTokens(pkg, [[output[k] as number]]), cache);
    }
    cache.dispose();
  });

  it("greedy decoding gives PyTorch's token ids and finish reason", async () => {
    const { chunks, result } = await collect(generateText(pkg, prompt, greedy));
    expect(chunks.map((c) => c.tokenId)).toEqual([...tensor("output_ids").data].map(Number));
    expect(result.finishReason).toBe(golden.finish_reason);
    expect(result.promptTokens).toBe(prompt.ids.length);
    expect(result.completionTokens).toBe(chunks.length);
    expect(result.text).toBe(chunks.map((c) => c.text).join(""));
  });

  it("prefills the prompt once, then feeds the decoder one new token per step", async () => {
    const calls: { graph: string; tokens: number | undefined }[] = [];
    const recorded: LoadedPackage = {
      ...pkg,
      run: (graph, feeds) => {
        const input = graph === "decoder" ? feeds.inputs_embeds : feeds.input_ids;
        calls.push({ graph, tokens: input?.dims[1] });
        return pkg.run(graph, feeds);
      },
    };
    const settings = { ...greedy, maxNewTokens: 5, stopTokenIds: [] };
    const { result } = await collect(generateText(recorded, prompt, settings));
    const decoder = calls.filter((call) => call.graph === "decoder").map((call) => call.tokens);
    // The 5th token comes from the 4th step's logits and is never fed back.
    expect(decoder).toEqual([prompt.ids.length, 1, 1, 1, 1]);
    const embeds = calls.filter((call) => call.graph === "embed_tokens").map((call) => call.tokens);
    expect(embeds).toEqual([prompt.ids.length, 1, 1, 1, 1]);
    expect(result.completionTokens).toBe(5);
  });

  it("stops at the token budget with finish reason length", async () => {
    const { result } = await collect(
      generateText(pkg, prompt, { ...greedy, maxNewTokens: 2, stopTokenIds: [] }),
    );
    expect(result).toMatchObject({ finishReason: "length", completionTokens: 2 });
  });

  it("stops at the model's context length and refuses a prompt that does not fit", async () => {
    const dir = copyPackage((m) => {
      (m.llm as Record<string, number>).max_position = prompt.ids.length + 2;
    });
    const short = await loadPackage(dir);
    try {
      const free = { ...greedy, stopTokenIds: [] };
      const { result } = await collect(generateText(short, prompt, free));
      // Two tokens fit after the prompt; a third is sampled from the last logits but cannot be fed.
      expect(result).toMatchObject({ finishReason: "length", completionTokens: 3 });
      const long = promptFromPixels(short, `${golden.text} and more words here`, [
        prompt.images[0] as Float32Array,
      ]);
      await expect(collect(generateText(short, long, free))).rejects.toMatchObject({
        code: "invalid_argument",
      });
    } finally {
      await short.dispose();
    }
  });

  it("stops before a stop sequence and never emits it", async () => {
    const free = { ...greedy, maxNewTokens: 12, stopTokenIds: [] };
    const { result: full } = await collect(generateText(pkg, prompt, free));
    expect(full.text.length).toBeGreaterThan(3);
    const stop = full.text.slice(2, 4);
    const { chunks, result } = await collect(generateText(pkg, prompt, { ...free, stop: [stop] }));
    expect(result.finishReason).toBe("stop");
    expect(result.text).toBe(full.text.slice(0, full.text.indexOf(stop)));
    expect(chunks.map((c) => c.text).join("")).toBe(result.text);
  });

  it("is cancelled by an AbortSignal before or between tokens", async () => {
    const aborted = AbortSignal.abort();
    const { chunks, result } = await collect(generateText(pkg, prompt, { ...greedy, signal: aborted }));
    expect(chunks).toEqual([]);
    expect(result).toMatchObject({ finishReason: "cancelled", completionTokens: 0 });
    const controller = new AbortController();
    const run = generateText(pkg, prompt, { ...greedy, stopTokenIds: [], signal: controller.signal });
    const midway = await collect(run, () => controller.abort());
    expect(midway.result).toMatchObject({ finishReason: "cancelled", completionTokens: 1 });
  });

  it("samples reproducibly for a seed", async () => {
    const sampled = { ...greedy, temperature: 1, topK: 20, topP: 0.9, stopTokenIds: [], maxNewTokens: 8 };
    const ids = async (seed: number) =>
      (await collect(generateText(pkg, prompt, { ...sampled, seed }))).chunks.map((c) => c.tokenId);
    expect(await ids(5)).toEqual(await ids(5));
  });

  it("reuses the KV prefix of a previous turn: same answer, fewer tokens prefilled", async () => {
    const image = await encodePng(tensor("images").data as Float32Array, pkg.manifest.image.size);
    const first: ChatMessage[] = [
      {
        role: "user",
        content: [
          { type: "image", image },
          { type: "text", text: "What shape is red?" },
        ],
      },
    ];
    const settings = { ...greedy, maxNewTokens: 4 };
    const cache = new PrefixCache(4);
    const turn1 = await preparePrompt(pkg, first, true);
    const answer = await collect(generateText(pkg, turn1, settings, cache));
    expect(answer.result.cachedTokens).toBe(0);
    const second: ChatMessage[] = [
      ...first,
      { role: "assistant", content: answer.result.text },
      { role: "user", content: "And the blue one?" },
    ];
    const turn2 = await preparePrompt(pkg, second, true);
    const cached = await collect(generateText(pkg, turn2, settings, cache));
    const fresh = await collect(generateText(pkg, turn2, settings));
    expect(cached.chunks.map((c) => c.tokenId)).toEqual(fresh.chunks.map((c) => c.tokenId));
    expect(cached.result.cachedTokens).toBeGreaterThanOrEqual(turn1.ids.length);
    expect(fresh.result.cachedTokens).toBe(0);
  });
});
