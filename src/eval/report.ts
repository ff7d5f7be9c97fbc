import type { Metrics } from "./metrics.js";

const fmt = (v: number | null, digits = 3) => (v === null ? "–" : v.toFixed(digits));

const ROWS: Array<[string, keyof Metrics, number]> = [
  ["recall@1", "recallAt1", 3],
  ["recall@5", "recallAt5", 3],
  ["MRR@10", "mrrAt10", 3],
  ["citation support", "citationSupport", 3],
  ["citation validity", "citationValidity", 3],
  ["answer hit", "answerHit", 3],
  ["refusal accuracy", "refusalAccuracy", 3],
  ["refusal precision", "refusalPrecision", 3],
  ["refusal recall", "refusalRecall", 3],
  ["latency p50 (ms)", "latencyP50", 0],
  ["latency p95 (ms)", "latencyP95", 0],
];

/** A plain-text table: one row per metric, one column per group (overall, kinds, baseline). */
export function metricsTable(columns: Array<{ name: string; metrics: Partial<Metrics> }>): string {
  const header = ["metric", ...columns.map((c) => c.name)];
  const body = ROWS.map(([label, key, digits]) => [
    label,
    ...columns.map((c) => fmt((c.metrics[key] as number | null | undefined) ?? null, digits)),
  ]);
  const counts = ["questions", ...columns.map((c) => String(c.metrics.count ?? "–"))];
  const rows = [header, counts, ...body];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? "")].length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
