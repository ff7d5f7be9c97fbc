import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import hnswlib from "hnswlib-node";
import type { SearchHit } from "../../retrieve/ports.js";
import {
  DENSE_IDS_FILE,
  DENSE_INFO_FILE,
  type DenseIndex,
  type DenseIndexInfo,
  type DenseSearchOptions,
} from "./dense-index.js";

const GRAPH_FILE = "hnswlib.index";

/**
 * Approximate nearest neighbours with hnswlib. Points are labelled by the order they were added
 * in; the label → chunk id list is saved beside the graph. hnswlib-node is used directly: the
 * LangChain wrapper wants an Embeddings object and a docstore, neither of which this needs.
 */
export class HnswDenseIndex implements DenseIndex {
  private graph: hnswlib.HierarchicalNSW | null = null;
  private readonly ids: string[] = [];

  constructor(
    readonly dimension: number,
    private readonly ef: number | undefined = undefined,
  ) {}

  static async load(dir: string, options: DenseSearchOptions = {}): Promise<HnswDenseIndex> {
    const info = JSON.parse(await readFile(path.join(dir, DENSE_INFO_FILE), "utf8")) as DenseIndexInfo;
    const index = new HnswDenseIndex(info.dimension, options.ef);
    index.ids.push(...(JSON.parse(await readFile(path.join(dir, DENSE_IDS_FILE), "utf8")) as string[]));
    if (index.ids.length > 0) {
      const graph = new hnswlib.HierarchicalNSW("cosine", info.dimension);
      await graph.readIndex(path.join(dir, GRAPH_FILE));
      index.attach(graph);
    }
    return index;
  }

  get count(): number {
    return this.ids.length;
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

  add(ids: readonly string[], vectors: readonly number[][]): void {
    if (ids.length !== vectors.length) throw new Error(`${ids.length} ids for ${vectors.length} vectors`);
    if (ids.length === 0) return;
    if (!this.graph) {
      const graph = new hnswlib.HierarchicalNSW("cosine", this.dimension);
      // Sized to the first batch with hnswlib's defaults (M 16, efConstruction 200, seed 100):
      // the same graph the LangChain wrapper built before this seam existed.
      graph.initIndex(ids.length);
      this.attach(graph);
    }
    const graph = this.graph as hnswlib.HierarchicalNSW;
    const needed = this.ids.length + ids.length;
    if (needed > graph.getMaxElements()) graph.resizeIndex(needed);
    vectors.forEach((vector, i) => {
      graph.addPoint(vector, this.ids.length);
      this.ids.push(ids[i] as string);
    });
  }

  search(vector: number[], k: number): SearchHit[] {
    const n = Math.min(k, this.ids.length);
    if (n <= 0 || !this.graph) return [];
    const result = this.graph.searchKnn(vector, n);
    return result.neighbors.map((label, i) => ({
      id: this.ids[label] ?? "",
      score: 1 - (result.distances[i] ?? 1),
    }));
  }

  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    if (this.graph) await this.graph.writeIndex(path.join(dir, GRAPH_FILE));
    await writeFile(path.join(dir, DENSE_IDS_FILE), JSON.stringify(this.ids));
    const info: DenseIndexInfo = { kind: "hnsw", dimension: this.dimension };
    await writeFile(path.join(dir, DENSE_INFO_FILE), JSON.stringify(info));
  }
}
