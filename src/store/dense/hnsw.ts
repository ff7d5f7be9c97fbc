import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import hnswlib from "hnswlib-node";
import type { SearchHit } from "../../retrieve/ports.js";
import {
  DENSE_INFO_FILE,
  type DenseIndex,
  type DenseIndexBuilder,
  type DenseIndexInfo,
  type DenseSearchOptions,
} from "./dense-index.js";
import { IdList } from "./ids.js";

const GRAPH_FILE = "hnswlib.index";

/** How the graph is built; fixed per build (they are recorded in dense.json). */
export interface HnswSettings {
  /** Links per node (hnswlib's M). */
  m: number;
  /** Candidate list size while inserting. */
  efConstruction: number;
}

/**
 * Chosen on dense proxy vectors (bench/proxy.ts, bench/hnsw-tune.ts; the curves are in
 * bench/RESULTS.md): at 20k passages M 24 reaches recall@10 0.965 at ef 128 (p95 3.2 ms) where
 * hnswlib's default M 16 needs ef ~170 for 0.95, for the same build time; efConstruction 100
 * built no faster on 1024 dimensions and lost recall. LangChain's wrapper fixes 16 / 200.
 */
export const HNSW_DEFAULTS: HnswSettings = { m: 24, efConstruction: 200 };
const SEED = 100;

/**
 * Approximate nearest neighbours with hnswlib, for dense model vectors (Ollama). Points are
 * labelled by the order they were added in; the label → chunk id list is saved beside the graph.
 * hnswlib-node is used directly: the LangChain wrapper wants an Embeddings object and a
 * docstore, neither of which this needs.
 */
export class HnswDenseIndex implements DenseIndex {
  private graph: hnswlib.HierarchicalNSW | null = null;
  private ids = new IdList();

  constructor(
    readonly dimension: number,
    private readonly ef: number | undefined = undefined,
    private readonly settings: HnswSettings = HNSW_DEFAULTS,
  ) {}

  static async load(dir: string, options: DenseSearchOptions = {}): Promise<HnswDenseIndex> {
    const info = JSON.parse(await readFile(path.join(dir, DENSE_INFO_FILE), "utf8")) as DenseIndexInfo;
    const index = new HnswDenseIndex(info.dimension, options.ef, {
      m: info.m ?? HNSW_DEFAULTS.m,
      efConstruction: info.efConstruction ?? HNSW_DEFAULTS.efConstruction,
    });
    index.ids = await IdList.load(dir);
    if (index.ids.count > 0) {
      const graph = new hnswlib.HierarchicalNSW("cosine", info.dimension);
      await graph.readIndex(path.join(dir, GRAPH_FILE));
      index.attach(graph);
    }
    return index;
  }

  /**
   * Bulk construction on a worker thread: the vectors go into shared memory as they arrive, and
   * the graph (minutes at 100k vectors, one synchronous loop in hnswlib-node) is built where it
   * cannot block the main thread's event loop, which meanwhile tokenises for BM25. The worker
   * writes the graph to a temporary file this thread reads back (a native object cannot cross
   * threads).
   */
  static builder(
    dimension: number,
    count: number,
    options: DenseSearchOptions & { settings?: HnswSettings } = {},
  ): DenseIndexBuilder {
    const settings = options.settings ?? HNSW_DEFAULTS;
    const rows = new SharedArrayBuffer(Float32Array.BYTES_PER_ELEMENT * dimension * count);
    const vectors = new Float32Array(rows);
    return {
      dimension,
      count,
      put(position, vector) {
        if (vector.length !== dimension)
          throw new Error(`a vector of ${vector.length} dimensions, expected ${dimension}`);
        vectors.set(vector, position * dimension);
      },
      build: async (ids) => {
        if (ids.length !== count) throw new Error(`${ids.length} ids for ${count} vectors`);
        const index = new HnswDenseIndex(dimension, options.ef, settings);
        index.ids = new IdList(ids);
        if (count === 0) return index;
        const file = path.join(tmpdir(), `hnsw-build-${process.pid}-${randomBytes(4).toString("hex")}.index`);
        try {
          await runWorker({
            rows,
            dimension,
            count,
            m: settings.m,
            efConstruction: settings.efConstruction,
            seed: SEED,
            file,
          });
          const graph = new hnswlib.HierarchicalNSW("cosine", dimension);
          await graph.readIndex(file);
          index.attach(graph);
        } finally {
          await rm(file, { force: true });
        }
        return index;
      },
    };
  }

  get count(): number {
    return this.ids.count;
  }

  /** The hnswlib graph itself (labels are positions in add order), for benchmarks of the graph. */
  get native(): hnswlib.HierarchicalNSW | null {
    return this.graph;
  }

  private attach(graph: hnswlib.HierarchicalNSW): void {
    // hnswlib's default ef of 10 gives poor recall; the configured one is applied to every load.
    if (this.ef !== undefined) graph.setEf(this.ef);
    this.graph = graph;
  }

  add(ids: readonly string[], vectors: readonly ArrayLike<number>[]): void {
    if (ids.length !== vectors.length) throw new Error(`${ids.length} ids for ${vectors.length} vectors`);
    if (ids.length === 0) return;
    if (!this.graph) {
      const graph = new hnswlib.HierarchicalNSW("cosine", this.dimension);
      graph.initIndex(ids.length, this.settings.m, this.settings.efConstruction, SEED);
      this.attach(graph);
    }
    const graph = this.graph as hnswlib.HierarchicalNSW;
    const needed = this.count + ids.length;
    if (needed > graph.getMaxElements()) graph.resizeIndex(needed);
    vectors.forEach((vector, i) => {
      graph.addPoint(Array.from(vector), this.count + i);
    });
    this.ids.push(ids);
  }

  search(vector: number[], k: number): SearchHit[] {
    const n = Math.min(k, this.count);
    if (n <= 0 || !this.graph) return [];
    const result = this.graph.searchKnn(vector, n);
    return result.neighbors.map((label, i) => ({
      id: this.ids.at(label),
      score: 1 - (result.distances[i] ?? 1),
    }));
  }

  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    if (this.graph) await this.graph.writeIndex(path.join(dir, GRAPH_FILE));
    await this.ids.save(dir);
    const info: DenseIndexInfo = {
      kind: "hnsw",
      dimension: this.dimension,
      count: this.count,
      ...this.settings,
    };
    await writeFile(path.join(dir, DENSE_INFO_FILE), JSON.stringify(info));
  }
}

interface WorkerInput {
  rows: SharedArrayBuffer;
  dimension: number;
  count: number;
  m: number;
  efConstruction: number;
  seed: number;
  file: string;
}

function runWorker(input: WorkerInput): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./hnsw-build-worker.mjs", import.meta.url), { workerData: input });
    let written = false;
    worker.once("message", () => {
      written = true;
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (written && code === 0) resolve();
      else reject(new Error(`the HNSW build worker stopped with code ${code} before writing the graph`));
    });
  });
}
