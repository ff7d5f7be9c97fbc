/** Latency summaries in milliseconds, nearest-rank percentiles (as src/eval/metrics.ts). */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  /** Timed runs behind the figures. */
  n: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? 0;
}

export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

export function summarise(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    n: samples.length,
  };
}

/** Give timers and I/O a turn, as a server between two requests would. */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
