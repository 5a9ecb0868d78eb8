// The TypeScript (ONNX) side of the benchmark: the public engine API, timed with the same workload
// the PyTorch reference runs.
import { readFile } from "node:fs/promises";
import type { ChatMessage, UniLIPEngine } from "../types.ts";
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

/** Runs each workload once to warm up, then `runs` times; reports medians and the process's peak RSS. */
export async function benchEngine(engine: UniLIPEngine, workload: BenchWorkload): Promise<BenchReport> {
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
  const sampling = { steps: workload.steps, guidance: workload.guidance, seed: workload.seed };
  const generate = () => engine.generate(workload.prompt, sampling);
  const edit = () => engine.edit(image, workload.instruction, sampling);

  await timeText(engine, messages, workload.maxNewTokens);
  await generate();
  await edit();
  const text: TextTiming[] = [];
  const generateMs: number[] = [];
  const editMs: number[] = [];
  for (let run = 0; run < workload.runs; run++) {
    text.push(await timeText(engine, messages, workload.maxNewTokens));
    generateMs.push(await timeMs(generate));
    editMs.push(await timeMs(edit));
  }
  // Decode speed counts the tokens after the first: the first one's cost is the prefill (TTFT).
  const decodeRates = text.map((t) =>
    t.tokens > 1 && t.decodeMs > 0 ? ((t.tokens - 1) * 1000) / t.decodeMs : 0,
  );
  return {
    runtime: "onnx (ts)",
    ttft_ms: median(text.map((t) => t.ttftMs)),
    decode_tokens_per_s: median(decodeRates),
    decode_tokens: median(text.map((t) => t.tokens)),
    generate_ms: median(generateMs),
    edit_ms: median(editMs),
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
  };
}
