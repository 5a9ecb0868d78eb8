// The TypeScript (ONNX) side of the benchmark: the public engine API, timed with the same workload
// the PyTorch reference runs.
import { readFile } from "node:fs/promises";
import type { ChatMessage, ProgressEvent, UniLIPEngine } from "../types.ts";
import { type BenchReport, type BenchWorkload, median } from "./bench-report.ts";

interface TextTiming {
  ttftMs: number;
  decodeMs: number;
  tokens: number;
}

async function timeText(
  engine: UniLIPEngine,
  messages: ChatMessage[],
  maxNewTokens: number,
): Promise<TextTiming> {
  const start = performance.now();
  const stream = engine.streamText(messages, { maxNewTokens, temperature: 0, ignoreEos: true });
  let first: number | undefined;
  let tokens = 0;
  for await (const _chunk of stream) {
    first ??= performance.now();
    tokens++;
  }
  const end = performance.now();
  return { ttftMs: (first ?? end) - start, decodeMs: end - (first ?? end), tokens };
}

async function timeMs(job: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await job();
  return performance.now() - start;
}

/**
 * Runs each workload once to warm up, then `runs` times; reports medians and the process's peak RSS.
 * Load the engine without caches for numbers comparable with the reference, which recomputes every
 * run: with them, every run after the first would reuse the image's features and the prompt's KV.
 */
export async function benchEngine(
  engine: UniLIPEngine,
  workload: BenchWorkload,
  onProgress?: (event: ProgressEvent) => void,
): Promise<BenchReport> {
  const image = new Uint8Array(await readFile(workload.imagePath));
  const messages: ChatMessage[] = [
    {
      role: "user",
      content: [
        { type: "image", image },
        { type: "text", text: workload.question },
      ],
    },
  ];
  const { steps, guidance, seed, sampler } = workload;
  const sampling = { steps, guidance, seed, sampler };
  // Text, generation and edit, each once to warm up and `runs` times timed.
  const totalSteps = 3 * (workload.runs + 1);
  let step = 0;
  const done = <T>(result: T): T => {
    onProgress?.({ step: ++step, totalSteps });
    return result;
  };
  const text = () => timeText(engine, messages, workload.maxNewTokens).then(done);
  const generate = () => timeMs(() => engine.generate(workload.prompt, sampling)).then(done);
  const edit = () => timeMs(() => engine.edit(image, workload.instruction, sampling)).then(done);

  await text();
  await generate();
  await edit();
  const texts: TextTiming[] = [];
  const generateMs: number[] = [];
  const editMs: number[] = [];
  for (let run = 0; run < workload.runs; run++) {
    texts.push(await text());
    generateMs.push(await generate());
    editMs.push(await edit());
  }
  // Decode speed counts the tokens after the first: the first one's cost is the prefill (TTFT).
  const decodeRates = texts.map((t) =>
    t.tokens > 1 && t.decodeMs > 0 ? ((t.tokens - 1) * 1000) / t.decodeMs : 0,
  );
  return {
    runtime: "onnx (ts)",
    ttft_ms: median(texts.map((t) => t.ttftMs)),
    decode_tokens_per_s: median(decodeRates),
    decode_tokens: median(texts.map((t) => t.tokens)),
    generate_ms: median(generateMs),
    edit_ms: median(editMs),
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
  };
}
