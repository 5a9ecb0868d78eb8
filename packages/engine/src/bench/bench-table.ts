// One table of the benchmark: a row per metric, a column per runtime, the ONNX / PyTorch ratio, and
// whether the ratio meets the engine's speed target where the metric has one.
import type { BenchReport } from "./bench-report.ts";

/** A bound on the ONNX / PyTorch ratio of one metric. */
interface Target {
  bound: ">=" | "<=";
  ratio: number;
}

/** The engine's speed targets (issue 5): decode at least 1.5x PyTorch, generate in at most 0.7x its time. */
export const BENCH_TARGETS = {
  decodeSpeed: { bound: ">=", ratio: 1.5 },
  generation: { bound: "<=", ratio: 0.7 },
} as const satisfies Record<string, Target>;

interface Metric {
  label: string;
  value: (report: BenchReport) => number;
  format: (value: number) => string;
  target?: Target;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mib = (value: number) => `${(value / 2 ** 20).toFixed(0)} MiB`;

const METRICS: readonly Metric[] = [
  { label: "time to first token", value: (r) => r.ttft_ms, format: ms },
  {
    label: "decode speed",
    value: (r) => r.decode_tokens_per_s,
    format: (value) => `${value.toFixed(1)} tok/s`,
    target: BENCH_TARGETS.decodeSpeed,
  },
  { label: "generation (CFG)", value: (r) => r.generate_ms, format: ms, target: BENCH_TARGETS.generation },
  { label: "edit (CFG)", value: (r) => r.edit_ms, format: ms },
  { label: "peak RSS", value: (r) => r.peak_rss_bytes, format: mib },
];

function pad(cells: string[], widths: number[]): string {
  return cells
    .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
    .join("  ")
    .trimEnd();
}

function verdict(target: Target | undefined, ratio: number | undefined): string {
  if (target === undefined) return "";
  const met = ratio !== undefined && (target.bound === ">=" ? ratio >= target.ratio : ratio <= target.ratio);
  return `${target.bound} ${target.ratio.toFixed(2)}x ${met ? "met" : "MISSED"}`;
}

/** The ratio column reads "ONNX / PyTorch": below 1 means the ONNX side is faster (or smaller), except for tok/s. */
export function formatBenchTable(onnx: BenchReport, reference?: BenchReport, steps?: number): string {
  const header = [
    "metric",
    onnx.runtime,
    ...(reference ? [reference.runtime, "onnx / torch", "target"] : []),
  ];
  const rows = METRICS.map((metric) => {
    const a = metric.value(onnx);
    if (reference === undefined) return [metric.label, metric.format(a)];
    const b = metric.value(reference);
    const ratio = b > 0 ? a / b : undefined;
    return [
      metric.label,
      metric.format(a),
      metric.format(b),
      ratio === undefined ? "-" : `${ratio.toFixed(2)}x`,
      verdict(metric.target, ratio),
    ];
  });
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? "").length)));
  const lines = [
    pad(header, widths),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map((r) => pad(r, widths)),
  ];
  const notes = [
    `decode speed over ${onnx.decode_tokens} tokens`,
    ...(steps === undefined ? [] : [`${steps} sampling steps`]),
  ];
  return `${lines.join("\n")}\n(${notes.join("; ")})\n`;
}
