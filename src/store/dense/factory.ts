import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  DENSE_INFO_FILE,
  type DenseIndex,
  type DenseIndexInfo,
  type DenseIndexKind,
  type DenseSearchOptions,
} from "./dense-index.js";
import { ExactDenseIndex } from "./exact.js";
import { HnswDenseIndex } from "./hnsw.js";

/**
 * The one place that picks a dense-index implementation. A build records the kind it was written
 * with, so loading follows the build rather than the current setting.
 */
export function createDenseIndex(dimension: number, kind: DenseIndexKind = "hnsw"): DenseIndex {
  return kind === "exact" ? new ExactDenseIndex(dimension) : new HnswDenseIndex(dimension);
}

export async function loadDenseIndex(dir: string, options: DenseSearchOptions = {}): Promise<DenseIndex> {
  const info = JSON.parse(await readFile(path.join(dir, DENSE_INFO_FILE), "utf8")) as DenseIndexInfo;
  return info.kind === "exact" ? ExactDenseIndex.load(dir) : HnswDenseIndex.load(dir, options);
}
