// The PyTorch side of the benchmark: training/unilip/bench_reference.py in a child process, which
// loads the training checkpoint, runs the same workload through unilip.pipelines and prints JSON.
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EngineError } from "../errors.ts";
import { type BenchReport, BenchReportSchema, type BenchWorkload } from "./bench-report.ts";

/** Debian's interpreter: the one with torch (a pyenv python first on PATH may lack it). */
export const DEFAULT_PYTHON = "/usr/bin/python3";
export const TRAINING_DIR = fileURLToPath(new URL("../../../../training", import.meta.url));
/** stderr kept for the error message when the reference fails. */
const MAX_STDERR_CHARS = 4000;

export interface ReferenceRun {
  checkpoint: string;
  /** The package the ONNX side ran: the reference refuses a checkpoint of another architecture. */
  packageDir: string;
  workload: BenchWorkload;
  python?: string;
  /** torch and OpenBLAS threads; unset leaves both libraries to choose. */
  threads?: number;
}

export function referenceArgs({ checkpoint, packageDir, workload, threads }: ReferenceRun): string[] {
  return [
    "-m",
    "unilip.bench_reference",
    // The reference runs inside training/, so paths the user gave relative to their shell are resolved here.
    "--checkpoint",
    resolve(checkpoint),
    "--package",
    resolve(packageDir),
    "--image",
    workload.imagePath,
    "--question",
    workload.question,
    "--prompt",
    workload.prompt,
    "--instruction",
    workload.instruction,
    "--max-new-tokens",
    String(workload.maxNewTokens),
    "--steps",
    String(workload.steps),
    "--guidance",
    String(workload.guidance),
    "--sampler",
    workload.sampler,
    "--seed",
    String(workload.seed),
    "--runs",
    String(workload.runs),
    ...(threads === undefined ? [] : ["--threads", String(threads)]),
  ];
}

/**
 * OpenBLAS keeps worker threads of its own that torch's thread setting does not reach, and reads their
 * count only at load, so a thread limit has to reach it through the environment.
 */
export function referenceEnv(threads: number | undefined): NodeJS.ProcessEnv {
  return threads === undefined ? process.env : { ...process.env, OPENBLAS_NUM_THREADS: String(threads) };
}

/** Parses the reference's stdout: its last non-empty line is the JSON report. */
export function parseReferenceOutput(stdout: string): BenchReport {
  const last = stdout.trim().split("\n").at(-1) ?? "";
  let json: unknown;
  try {
    json = JSON.parse(last);
  } catch (cause) {
    throw new EngineError("runtime", `the PyTorch reference printed no JSON report: ${last.slice(0, 200)}`, {
      cause,
    });
  }
  const parsed = BenchReportSchema.safeParse(json);
  if (!parsed.success) {
    throw new EngineError("runtime", `the PyTorch reference report is malformed: ${parsed.error.message}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

export function runPythonReference(run: ReferenceRun): Promise<BenchReport> {
  const python = run.python ?? DEFAULT_PYTHON;
  return new Promise((resolve, reject) => {
    const child = spawn(python, referenceArgs(run), {
      cwd: TRAINING_DIR,
      env: referenceEnv(run.threads),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-MAX_STDERR_CHARS);
    });
    child.on("error", (cause) =>
      reject(new EngineError("runtime", `could not start the PyTorch reference with ${python}`, { cause })),
    );
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new EngineError("runtime", `the PyTorch reference exited with ${code}:\n${stderr.trim()}`));
        return;
      }
      try {
        resolve(parseReferenceOutput(stdout));
      } catch (error) {
        reject(error);
      }
    });
  });
}
