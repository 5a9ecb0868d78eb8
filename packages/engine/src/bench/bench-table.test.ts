import { describe, expect, it } from "vitest";
import type { BenchReport } from "./bench-report.ts";
import { formatBenchTable } from "./bench-table.ts";

const onnx: BenchReport = {
  runtime: "onnx (ts)",
  ttft_ms: 12.5,
  decode_tokens_per_s: 200,
  decode_tokens: 17,
  generate_ms: 900,
  edit_ms: 1000,
  peak_rss_bytes: 512 * 2 ** 20,
};
const torch: BenchReport = {
  ...onnx,
  runtime: "pytorch",
  ttft_ms: 25,
  generate_ms: 1800,
  decode_tokens_per_s: 100,
};

describe("formatBenchTable", () => {
  it("prints the ONNX column alone without a reference", () => {
    const table = formatBenchTable(onnx, undefined, 20);
    expect(table).toContain("time to first token");
    expect(table).toContain("12.5 ms");
    expect(table).toContain("512 MiB");
    expect(table).not.toContain("pytorch");
    expect(table).toContain("20 sampling steps");
  });

  it("adds the reference column and the ratio per metric", () => {
    const lines = formatBenchTable(onnx, torch, 20).split("\n");
    expect(lines[0]).toMatch(/metric\s+onnx \(ts\)\s+pytorch\s+onnx \/ torch\s+target$/);
    expect(lines.find((line) => line.startsWith("time to first token"))).toMatch(
      /12\.5 ms\s+25\.0 ms\s+0\.50x\s*$/,
    );
    expect(lines.find((line) => line.startsWith("peak RSS"))).toMatch(/1\.00x\s*$/);
  });

  it("marks each speed target met or missed", () => {
    const row = (table: string, label: string) => table.split("\n").find((line) => line.startsWith(label));
    const fast = formatBenchTable(onnx, torch, 20);
    expect(row(fast, "decode speed")).toMatch(/2\.00x\s+>= 1\.50x met$/);
    expect(row(fast, "generation")).toMatch(/0\.50x\s+<= 0\.70x met$/);
    // At the bounds the targets still hold; just past them they are missed.
    const edge = formatBenchTable(onnx, { ...torch, decode_tokens_per_s: 200 / 1.5, generate_ms: 900 / 0.7 });
    expect(row(edge, "decode speed")).toMatch(/>= 1\.50x met$/);
    expect(row(edge, "generation")).toMatch(/<= 0\.70x met$/);
    const slow = formatBenchTable(onnx, { ...torch, decode_tokens_per_s: 140, generate_ms: 1200 });
    expect(row(slow, "decode speed")).toMatch(/1\.43x\s+>= 1\.50x MISSED$/);
    expect(row(slow, "generation")).toMatch(/0\.75x\s+<= 0\.70x MISSED$/);
    expect(row(formatBenchTable(onnx, { ...torch, generate_ms: 0 }), "generation")).toMatch(
      /-\s+<= 0\.70x MISSED$/,
    );
  });

  it("shows no ratio when the reference measured zero", () => {
    const lines = formatBenchTable(onnx, { ...torch, edit_ms: 0 }).split("\n");
    expect(lines.find((line) => line.startsWith("edit"))).toMatch(/-\s*$/);
  });
});
