// unilip bench: the ONNX engine on one package, and with --checkpoint the PyTorch reference of the
// same model on the same workload, printed as one table.
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CommandIo, MODEL_OPTION, withEngine } from "../cli/common-options.ts";
import { createStepProgress } from "../cli/progress-bar.ts";
import { numberOption, parseCommand, UsageError } from "../cli/usage.ts";
import type { LoadEngineOptions } from "../engine.ts";
import { MAX_STEPS } from "../limits.ts";
import { DEFAULT_MODEL_DIR } from "../model-dir.ts";
import { benchImage } from "./bench-image.ts";
import type { BenchReport, BenchWorkload } from "./bench-report.ts";
import { formatBenchTable } from "./bench-table.ts";
import { benchEngine } from "./engine-bench.ts";
import { runPythonReference } from "./python-reference.ts";

export const BENCH_DEFAULTS = {
  question: "What is in the image?",
  prompt: "a red circle",
  instruction: "make the circle blue",
  // Long enough that a scheduler hiccup on a busy machine does not decide the decode figure.
  maxNewTokens: 128,
  steps: 20,
  guidance: 4.5,
  seed: 0,
  runs: 3,
} as const;
/** Timed repetitions are the expensive part; more than this is a mistake, not a benchmark. */
export const MAX_BENCH_RUNS = 20;
/** Threads per runtime; beyond a machine's cores both sides only slow down. */
export const MAX_BENCH_THREADS = 64;
/**
 * The engine as a cold request sees it, like the PyTorch reference: no encoder features or prompt KV
 * kept from the warm-up, so each timed run encodes its image and prefills its whole prompt.
 */
const BENCH_ENGINE_OPTIONS: LoadEngineOptions = { prefixCacheEntries: 0, encoderCacheEntries: 0 };

function positive(value: number | undefined, flag: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (value < 1 || value > max) throw new UsageError(`${flag} must be in [1, ${max}], got ${value}`);
  return value;
}

export async function benchCommand(args: string[], io: CommandIo): Promise<void> {
  const { values, positionals } = parseCommand(args, {
    ...MODEL_OPTION,
    checkpoint: { type: "string" },
    python: { type: "string" },
    runs: { type: "string" },
    steps: { type: "string" },
    threads: { type: "string" },
  });
  if (positionals.length > 0)
    throw new UsageError(`bench takes no arguments; got "${positionals.join(" ")}"`);
  const runs = positive(
    numberOption(values.runs, "--runs", true),
    "--runs",
    BENCH_DEFAULTS.runs,
    MAX_BENCH_RUNS,
  );
  const steps = positive(
    numberOption(values.steps, "--steps", true),
    "--steps",
    BENCH_DEFAULTS.steps,
    MAX_STEPS,
  );
  // Both runtimes get the same count: comparing 2 ONNX threads with 1 torch thread measures the machine.
  const threadsValue = numberOption(values.threads, "--threads", true);
  const threads =
    threadsValue === undefined ? undefined : positive(threadsValue, "--threads", 1, MAX_BENCH_THREADS);
  const model = values.model ?? DEFAULT_MODEL_DIR;
  // Checked before the ONNX side runs, so a typo costs no benchmark.
  if (values.checkpoint !== undefined) {
    await access(values.checkpoint).catch((cause: unknown) => {
      throw new UsageError(`cannot read checkpoint ${values.checkpoint}`, { cause });
    });
  }

  const dir = await mkdtemp(join(tmpdir(), "unilip-bench-"));
  try {
    const { onnx, workload } = await withEngine(
      { model },
      async (engine) => {
        const info = engine.info();
        const imagePath = join(dir, "input.png");
        await writeFile(imagePath, await benchImage(info.imageSize));
        const sampler = info.defaults.sampler;
        const workload: BenchWorkload = { ...BENCH_DEFAULTS, imagePath, runs, steps, sampler };
        io.stderr.write(`bench: ONNX engine, ${runs} run(s) after a warm-up, caches off...\n`);
        const progress = createStepProgress("bench", io.stderr, "jobs");
        try {
          return { onnx: await benchEngine(engine, workload, progress.onProgress), workload };
        } finally {
          progress.stop();
        }
      },
      threads === undefined ? BENCH_ENGINE_OPTIONS : { ...BENCH_ENGINE_OPTIONS, threads },
    );
    let reference: BenchReport | undefined;
    if (values.checkpoint !== undefined) {
      io.stderr.write("bench: PyTorch reference...\n");
      reference = await runPythonReference({
        checkpoint: values.checkpoint,
        packageDir: model,
        workload,
        ...(values.python === undefined ? {} : { python: values.python }),
        ...(threads === undefined ? {} : { threads }),
      });
    }
    io.stdout.write(formatBenchTable(onnx, reference, steps));
    io.stdout.write(
      `(threads per runtime: ${threads ?? "each one's default; the engine uses 1 for a small package"})\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
