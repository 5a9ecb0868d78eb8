import { describe, expect, it } from "vitest";
import { formatSummary, percentile, summarize } from "./stats.ts";

describe("percentile", () => {
  it("uses the nearest rank", () => {
    const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("summarize", () => {
  it("counts successes for throughput and latency, refusals by status", () => {
    const summary = summarize(
      [
        { status: 200, ms: 10 },
        { status: 200, ms: 30 },
        { status: 429, ms: 1 },
        { status: 200, ms: 20 },
      ],
      2,
    );
    expect(summary).toEqual({
      count: 4,
      ok: 3,
      refused: { 429: 1 },
      seconds: 2,
      requestsPerSecond: 1.5,
      p50Ms: 20,
      p99Ms: 30,
    });
    expect(formatSummary("chat", summary)).toMatch(
      /chat\s+3\/4 ok\s+1\.50 req\/s\s+p50 20 ms\s+p99 30 ms\s+1x429/,
    );
  });
});
