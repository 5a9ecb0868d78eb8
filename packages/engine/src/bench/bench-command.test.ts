import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../cli/capture-io.test-helper.ts";
import { UsageError } from "../cli/usage.ts";
import { MAX_STEPS } from "../limits.ts";
import { TINY_RANDOM_MODEL_DIR } from "../model-dir.ts";
import { benchCommand, MAX_BENCH_RUNS } from "./bench-command.ts";
import { DEFAULT_PYTHON, TRAINING_DIR } from "./python-reference.ts";

// A training checkpoint of the package's own architecture (its manifest keeps the training config)
// and tokenizer: what \`unilip bench --checkpoint\` reads on the PyTorch side.
// An optional third argument overrides n_query, giving a checkpoint of another architecture.
const SAVE_CHECKPOINT = `
import json, sys, torch
from pathlib import Path
from unilip.checkpoint import save_checkpoint
from unilip.config import UniLIPConfig
from unilip.model import UniLIP
package = Path(sys.argv[2])
config = json.loads((package / "unilip.json").read_text())["config"]
if len(sys.argv) > 3: config["n_query"] = int(sys.argv[3])
config = UniLIPConfig.from_dict(config)
torch.manual_seed(0)
save_checkpoint(sys.argv[1], UniLIP(config).eval(), package, {"training_steps": 0})
`;

let dir: string;

async function saveCheckpoint(name: string, nQuery?: number): Promise<string> {
  const path = join(dir, name);
  const args = [
    "-c",
    SAVE_CHECKPOINT,
    path,
    TINY_RANDOM_MODEL_DIR,
    ...(nQuery === undefined ? [] : [String(nQuery)]),
  ];
  await promisify(execFile)(DEFAULT_PYTHON, args, { cwd: TRAINING_DIR });
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "unilip-bench-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const BENCH = ["--runs", "1", "--steps", "2", "--model", TINY_RANDOM_MODEL_DIR];

describe("unilip bench", { timeout: 60_000 }, () => {
  it("prints the ONNX column alone without a checkpoint", async () => {
    const captured = captureIo();
    await benchCommand(BENCH, captured.io);
    const table = captured.stdout();
    for (const metric of [
      "time to first token",
      "decode speed",
      "generation (CFG)",
      "edit (CFG)",
      "peak RSS",
    ]) {
      expect(table).toContain(metric);
    }
    expect(table).not.toContain("pytorch");
    expect(table).toContain("2 sampling steps");
    expect(captured.stderr()).toMatch(/caches off/);
  });

  it("runs the PyTorch reference on a checkpoint and prints both sides, their ratio and the targets", async () => {
    const checkpoint = await saveCheckpoint("tiny.pt");
    const captured = captureIo();
    await benchCommand([...BENCH, "--checkpoint", checkpoint], captured.io);
    const lines = captured.stdout().split("\n");
    expect(lines[0]).toMatch(/onnx \(ts\)\s+pytorch\s+onnx \/ torch\s+target/);
    expect(lines.find((line) => line.startsWith("generation (CFG)"))).toMatch(
      /ms\s+[\d.]+ ms\s+[\d.]+x\s+<= 0\.70x (met|MISSED)$/,
    );
  });

  it("refuses a checkpoint whose architecture differs from the package", async () => {
    const checkpoint = await saveCheckpoint("other.pt", 3);
    const run = benchCommand([...BENCH, "--checkpoint", checkpoint], captureIo().io);
    await expect(run).rejects.toMatchObject({
      code: "runtime",
      message: expect.stringMatching(/differs from package/),
    });
  });

  it("refuses --steps and --runs outside their limits before loading the model", async () => {
    for (const [flag, value] of [
      ["--steps", MAX_STEPS + 1],
      ["--steps", 0],
      ["--runs", MAX_BENCH_RUNS + 1],
    ] as const) {
      const captured = captureIo();
      await expect(benchCommand([...BENCH, flag, String(value)], captured.io)).rejects.toThrow(
        new RegExp(`${flag} must be in \\[1, `),
      );
      expect(captured.stderr()).toBe("");
    }
  });

  it("refuses a missing checkpoint before benchmarking anything", async () => {
    const captured = captureIo();
    const run = benchCommand([...BENCH, "--checkpoint", join(dir, "missing.pt")], captured.io);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(/cannot read checkpoint .*missing\.pt/);
    expect(captured.stderr()).toBe("");
  });
});
