// Latency statistics for the load benchmark.

export interface Summary {
  count: number;
  ok: number;
  /** Statuses other than 200, by status. */
  refused: Record<string, number>;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** The nearest-rank percentile (p in [0, 100]) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

export function summarize(samples: readonly { status: number; ms: number }[], seconds: number): Summary {
  const ok = samples.filter((sample) => sample.status === 200);
  const refused: Record<string, number> = {};
  for (const sample of samples) {
    if (sample.status !== 200) refused[sample.status] = (refused[sample.status] ?? 0) + 1;
  }
  const latencies = ok.map((sample) => sample.ms);
  return {
    count: samples.length,
    ok: ok.length,
    refused,
    seconds,
    requestsPerSecond: seconds > 0 ? ok.length / seconds : 0,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

export function formatSummary(name: string, summary: Summary): string {
  const refused = Object.entries(summary.refused)
    .map(([status, n]) => `${n}x${status}`)
    .join(" ");
  return [
    name.padEnd(12),
    `${summary.ok}/${summary.count} ok`.padEnd(12),
    `${summary.requestsPerSecond.toFixed(2)} req/s`.padEnd(14),
    `p50 ${summary.p50Ms.toFixed(0)} ms`.padEnd(14),
    `p99 ${summary.p99Ms.toFixed(0)} ms`.padEnd(14),
    refused,
  ].join(" ");
}
