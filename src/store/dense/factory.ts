import { readFile } from "node:fs/promises";
import path from "node:path";
import type { SplitOptions } from "../split-scan.js";
import { ColumnDenseIndex } from "./column.js";
import {
  DENSE_INFO_FILE,
  type DenseIndex,
  type DenseIndexBuilder,
  type DenseIndexInfo,
  type DenseIndexKind,
  type DenseSearchOptions,
} from "./dense-index.js";
import { ExactDenseIndex } from "./exact.js";
import { HnswDenseIndex, type HnswSettings } from "./hnsw.js";

/**
 * The one place that picks a dense-index implementation. A build records the kind it was written
 * with, so loading follows the build rather than the current setting.
 */

/**
 * The builtin embedder's vectors are sparse hashed bags of words (ids "builtin:…"): exact column
 * search finds their true neighbours faster than a graph approximates them, with nothing to
 * build. Dense model vectors (Ollama) get the HNSW graph.
 */
export function denseKindFor(embedderId: string): DenseIndexKind {
  return embedderId.startsWith("builtin:") ? "column" : "hnsw";
}

export function createDenseIndex(dimension: number, kind: DenseIndexKind = "hnsw"): DenseIndex {
  if (kind === "column") return new ColumnDenseIndex(dimension);
  return kind === "exact" ? new ExactDenseIndex(dimension) : new HnswDenseIndex(dimension);
}

/** Bulk construction at ingest (see DenseIndexBuilder); the exact reference has no builder. */
export function createDenseIndexBuilder(
  kind: DenseIndexKind,
  dimension: number,
  count: number,
  options: DenseSearchOptions & { hnsw?: HnswSettings } = {},
): DenseIndexBuilder {
  if (kind === "column") return ColumnDenseIndex.builder(dimension, count);
  if (kind === "hnsw")
    return HnswDenseIndex.builder(dimension, count, {
      ...(options.ef !== undefined ? { ef: options.ef } : {}),
      ...(options.hnsw ? { settings: options.hnsw } : {}),
    });
  throw new Error(`no bulk builder for the ${kind} dense index`);
}

export async function loadDenseIndex(dir: string, options: DenseSearchOptions = {}): Promise<DenseIndex> {
  const info = JSON.parse(await readFile(path.join(dir, DENSE_INFO_FILE), "utf8")) as DenseIndexInfo;
  if (info.kind === "column") return ColumnDenseIndex.load(dir, splitOptions(options));
  return info.kind === "exact" ? ExactDenseIndex.load(dir) : HnswDenseIndex.load(dir, options);
}

/** The search options that decide splitting between threads, as the split searches take them. */
export function splitOptions(options: DenseSearchOptions): SplitOptions {
  return {
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.splitFrom !== undefined ? { splitFrom: options.splitFrom } : {}),
  };
}
