// `npm run bench:load -w @unilip/server -- [--model DIR] [--requests N] [--concurrency C] [--steps S] [--threads N]`
// Starts the server on loopback with an in-memory database, fires a bounded number of chat and image
// generation requests at it, and prints requests/s and p50/p99 latency for each.
import { parseArgs } from "node:util";
import { createDb } from "@unilip/db";
import { DEFAULT_MODEL_DIR, loadEngine } from "@unilip/engine";
import { z } from "zod";
import { createApp } from "../app.ts";
import { defaultAppConfig } from "../config.ts";
import { MAX_ENGINE_THREADS, MAX_QUEUE_DEPTH } from "../limits.ts";
import { listen } from "../listen.ts";
import { formatSummary, summarize } from "./stats.ts";

/** A benchmark, not a load generator for other machines: bounded and loopback only. */
const MAX_BENCH_REQUESTS = 1000;

const argsSchema = z.object({
  model: z.string().min(1).default(DEFAULT_MODEL_DIR),
  requests: z.coerce.number().int().min(1).max(MAX_BENCH_REQUESTS).default(20),
  concurrency: z.coerce.number().int().min(1).max(MAX_QUEUE_DEPTH).default(4),
  steps: z.coerce.number().int().min(1).max(50).default(2),
  "max-tokens": z.coerce.number().int().min(1).max(256).default(16),
  threads: z.coerce.number().int().min(1).max(MAX_ENGINE_THREADS).optional(),
});

const HELP = `Usage: npm run bench:load -w @unilip/server -- [options]
  --model DIR        model package (default: ${DEFAULT_MODEL_DIR})
  --requests N       requests per kind, at most ${MAX_BENCH_REQUESTS} (default 20)
  --concurrency C    requests in flight, at most ${MAX_QUEUE_DEPTH} (default 4)
  --steps S          diffusion steps per image (default 2)
  --max-tokens T     tokens per chat answer (default 16)
  --threads N        onnxruntime threads per graph, as UNILIP_THREADS (default: the engine's)`;

async function timed(
  count: number,
  concurrency: number,
  send: (i: number) => Promise<Response>,
): Promise<{ samples: { status: number; ms: number }[]; seconds: number }> {
  const samples: { status: number; ms: number }[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      const res = await send(i);
      await res.arrayBuffer();
      samples.push({ status: res.status, ms: performance.now() - t0 });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { samples, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: "string" },
      requests: { type: "string" },
      concurrency: { type: "string" },
      steps: { type: "string" },
      "max-tokens": { type: "string" },
      threads: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return console.log(HELP);
  const args = argsSchema.parse(values);
  const [engine, db] = await Promise.all([loadEngine(args.model, { threads: args.threads }), createDb()]);
  const app = createApp({
    engine,
    db,
    config: defaultAppConfig(),
    log: { error: console.error, info: () => {} },
  });
  const server = await listen(app, { port: 0, host: "127.0.0.1" });
  const model = engine.info().id;
  const post = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  console.log(
    `model ${model}, ${args.requests} requests per kind, ${args.concurrency} in flight, ` +
      `threads ${args.threads ?? "the engine's default"}`,
  );
  try {
    const chat = await timed(args.requests, args.concurrency, (i) =>
      post("/v1/chat/completions", {
        model,
        messages: [{ role: "user", content: `How many shapes are there? (${i})` }],
        max_completion_tokens: args["max-tokens"],
        unilip: { route: "understand" },
      }),
    );
    console.log(formatSummary("chat", summarize(chat.samples, chat.seconds)));
    const images = await timed(args.requests, args.concurrency, (i) =>
      post("/v1/images/generations", { model, prompt: "a red circle", steps: args.steps, seed: i }),
    );
    console.log(formatSummary("generation", summarize(images.samples, images.seconds)));
  } finally {
    await server.close();
    await engine.dispose();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof z.ZodError ? `${z.prettifyError(error)}\n\n${HELP}` : error);
  process.exit(1);
});
