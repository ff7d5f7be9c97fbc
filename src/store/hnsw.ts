import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";

/**
 * The wrapper needs an Embeddings object, but we hand it vectors we computed (or reused from
 * the cache) ourselves; this one only exists to satisfy the constructor and must never be called.
 */
const precomputed: EmbeddingsInterface = {
  embedDocuments: async () => {
    throw new Error("HNSW index received text; vectors are computed before indexing");
  },
  embedQuery: async () => {
    throw new Error("HNSW index received text; query vectors are computed by the retriever");
  },
};

export interface DenseHit {
  /** Position of the passage in the build's chunk list (also its HNSW label). */
  index: number;
  /** Cosine similarity, 1 = identical direction. */
  score: number;
}

/**
 * Labels are positions in the chunk list, so the docstore holds no text: the chunk store is the
 * one place passage text lives (the wrapper would otherwise write every passage a second time).
 */
export async function saveHnsw(dir: string, vectors: number[][], dimension: number): Promise<void> {
  const store = new HNSWLib(precomputed, { space: "cosine", numDimensions: dimension });
  await store.addVectors(
    vectors,
    vectors.map(() => new Document({ pageContent: "" })),
  );
  await store.save(dir);
}

export class DenseIndex {
  private constructor(
    private readonly store: HNSWLib,
    readonly count: number,
  ) {}

  static async load(dir: string, ef: number): Promise<DenseIndex> {
    const store = await HNSWLib.load(dir, precomputed);
    // LangChain never sets ef, leaving hnswlib's default of 10 and poor recall.
    store.index.setEf(ef);
    return new DenseIndex(store, store.index.getCurrentCount());
  }

  /** The wrapper's own search path (used to compare against its default ef in benchmarks). */
  get hnswlib(): HNSWLib {
    return this.store;
  }

  search(vector: number[], k: number): DenseHit[] {
    const n = Math.min(k, this.count);
    if (n === 0) return [];
    // searchKnn directly: the wrapper's similaritySearchVectorWithScore resolves the same labels
    // through its docstore, which we keep empty.
    const result = this.store.index.searchKnn(vector, n);
    return result.neighbors.map((label, i) => ({ index: label, score: 1 - (result.distances[i] ?? 1) }));
  }
}
