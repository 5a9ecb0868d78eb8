import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import type { BenchWorkload } from "./bench-report.ts";
import { parseReferenceOutput, referenceArgs, runPythonReference } from "./python-reference.ts";

const workload: BenchWorkload = {
  question: "What is in the image?",
  prompt: "a red circle",
  instruction: "make it blue",
  imagePath: "/tmp/in.png",
  maxNewTokens: 8,
  steps: 4,
  guidance: 4.5,
  sampler: "flow-euler",
  seed: 1,
  runs: 2,
};

const report = {
  runtime: "pytorch",
  ttft_ms: 10,
  decode_tokens_per_s: 50,
  decode_tokens: 8,
  generate_ms: 100,
  edit_ms: 120,
  peak_rss_bytes: 1e9,
};

describe("referenceArgs", () => {
  it("passes the whole workload to the reference module", () => {
    const args = referenceArgs({ checkpoint: "ck.pt", packageDir: "/models/shapes", workload });
    expect(args.slice(0, 2)).toEqual(["-m", "unilip.bench_reference"]);
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(flag("--checkpoint")).toBe(resolve("ck.pt")); // the reference runs in training/, so paths go absolute
    expect(flag("--prompt")).toBe("a red circle");
    expect(flag("--steps")).toBe("4");
    expect(flag("--runs")).toBe("2");
    expect(flag("--sampler")).toBe("flow-euler");
    expect(flag("--package")).toBe("/models/shapes");
  });
});

describe("parseReferenceOutput", () => {
  it("reads the JSON report on the last line, after any log lines", () => {
    expect(parseReferenceOutput(`loading...\n${JSON.stringify(report)}\n`)).toEqual(report);
  });

  it("refuses output without a valid report", () => {
    expect(() => parseReferenceOutput("Traceback ...")).toThrow(/printed no JSON report/);
    expect(() => parseReferenceOutput(JSON.stringify({ ...report, ttft_ms: "fast" }))).toThrow(/malformed/);
  });
});

describe("runPythonReference", () => {
  it("reports an interpreter that cannot start as a runtime error", async () => {
    const run = runPythonReference({
      checkpoint: "ck.pt",
      packageDir: "pkg",
      workload,
      python: "/nonexistent/python3",
    });
    await expect(run).rejects.toThrow(EngineError);
    await expect(run).rejects.toThrow(/could not start/);
  });
});
