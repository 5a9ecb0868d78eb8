// The installed command: bin/unilip.mjs started by node, as a user runs it.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { TINY_RANDOM_MODEL_DIR } from "../model-dir.ts";
import { EXIT_OK, EXIT_USAGE } from "./usage.ts";

const BIN = fileURLToPath(new URL("../../bin/unilip.mjs", import.meta.url));

function unilip(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : EXIT_OK, stdout, stderr });
    });
  });
}

// Starting node and importing the engine takes seconds on a busy machine.
describe("bin/unilip.mjs", { timeout: 60_000 }, () => {
  it("exits 2 with the usage on a bad command line", async () => {
    const run = await unilip(["generate", "a cat", "--steps"]);
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.stderr).toMatch(/unilip generate: Option '--steps <value>' argument missing/);
  });

  it("generates a PNG file and exits 0", async () => {
    const dir = await mkdtemp(join(tmpdir(), "unilip-bin-"));
    try {
      const out = join(dir, "out.png");
      const run = await unilip([
        "generate",
        "a red circle",
        "-o",
        out,
        "--steps",
        "2",
        "--model",
        TINY_RANDOM_MODEL_DIR,
      ]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(EXIT_OK);
      expect((await sharp(out).metadata()).format).toBe("png");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
