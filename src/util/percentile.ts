/**
 * Nearest-rank percentile (the value below which p% of the samples fall, taken from the samples
 * themselves, never interpolated); null for no samples. One definition for the eval and the
 * benchmarks, so their latency figures mean the same thing.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? null;
}
