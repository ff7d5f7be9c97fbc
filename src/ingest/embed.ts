import { embeddingText } from "../chunk/chunker.js";
import type { IndexEmbeddings } from "../embed/types.js";
import { UserError } from "../errors.js";
import type { DenseIndexBuilder } from "../store/dense/dense-index.js";
import { VectorCache } from "../store/vector-cache.js";
import type { Chunk } from "../types.js";
import { inOrder, type PassageWorkers, type PassageWorkResult } from "./passage-workers.js";

/**
 * An embedder that can say up front that it cannot work (e.g. an Ollama model not pulled), and
 * that has somewhere to report what the embed stage found (a model served under the same name
 * that now returns vectors of another size).
 */
export type CheckedEmbeddings = IndexEmbeddings & {
  checkModel?: () => Promise<void>;
  /** A served model's identity beyond its name (Ollama: the digest of the pulled weights). */
  describeModel?: () => Promise<{ name: string; digest: string | null }>;
  report?: (message: string) => void;
};

export interface EmbedStageOptions {
  embeddings: CheckedEmbeddings;
  cacheDir: string;
  /** The embedder's dimension when a previous build by the same embedder records it, else 0. */
  knownDimension: number;
  /** False when the cached vectors must not be trusted (a full rebuild). */
  reuseCache: boolean;
  /** Texts handed to the embedder per call; progress is reported after each. */
  batch: number;
  /** Where the vectors go, once the dimension is known: each chunk's is put at its position. */
  denseBuilder: (dimension: number, count: number) => DenseIndexBuilder;
  onProgress?: (progress: { done: number; total: number }) => void;
  /** Worker threads running this same (builtin) embedder: batches are embedded there, in parallel. */
  workers?: PassageWorkers | null;
  /**
   * BM25 tokenising done by the workers alongside embedding, when every passage is embedded:
   * a worker then segments what a passage's two texts share once (src/text/tokenizer.ts,
   * lineMemo). `take` receives each batch's terms in passage order.
   */
  lexical?: { text: (chunk: Chunk) => string; take: (result: PassageWorkResult) => void };
}

export interface EmbeddedChunks {
  /** Holds every chunk's vector, by chunk position; not yet built. */
  dense: DenseIndexBuilder;
  dimension: number;
  /** How many were embedded now rather than taken from the cache. */
  embedded: number;
  /** The cache and the keys this build uses, so publishing can drop what no build needs. */
  cache: VectorCache;
  keys: string[];
  /** Whether every passage's BM25 terms went to `lexical.take`, in order. */
  tokenised: boolean;
}

/**
 * Embed stage: vectors for every chunk, from the cache where it has them, from the embedder in
 * batches otherwise; each batch is appended to the cache as soon as it arrives, so a crash loses
 * at most the batch in flight.
 */
export async function embedChunks(chunks: Chunk[], options: EmbedStageOptions): Promise<EmbeddedChunks> {
  const { embeddings } = options;
  const keys = chunks.map((c) => VectorCache.key(embeddings.id, embeddingText(c)));
  let checked = false;
  const check = async () => {
    if (!checked) await embeddings.checkModel?.();
    checked = true;
  };

  const probe = async () => (await embeddings.embedQuery("dimension")).length;
  // The dimension of a model is only known once it has embedded something. A full rebuild asks
  // again: the model may have been replaced under the same name, and that is why one rebuilds.
  let dimension = options.knownDimension;
  let reuse = options.reuseCache;
  let probed = false;
  if (!dimension || !reuse) {
    await check();
    dimension = await probe();
    probed = true;
  }
  let cache = await VectorCache.open(options.cacheDir, embeddings.id, dimension);
  let dense = options.denseBuilder(dimension, chunks.length);

  // Cached vectors stream from the cache file straight into the dense index: neither the cache
  // nor the vectors are ever held as a million small arrays.
  const found = new Uint8Array(chunks.length);
  if (reuse && cache.recordCount > 0) {
    const positions = new Map<string, number | number[]>();
    keys.forEach((key, i) => {
      const before = positions.get(key);
      if (before === undefined) positions.set(key, i);
      else if (typeof before === "number") positions.set(key, [before, i]);
      else before.push(i);
    });
    await cache.scan((key, vector) => {
      const at = positions.get(key);
      if (at === undefined) return;
      for (const i of typeof at === "number" ? [at] : at) {
        dense.put(i, vector);
        found[i] = 1;
      }
    });
  }
  let missing: number[] = [];
  for (let i = 0; i < chunks.length; i++) if (!found[i]) missing.push(i);
  // Only now: an ingest that embeds nothing must not need the model server at all.
  if (missing.length > 0) {
    await check();
    // A served model (checkModel: not the builtin one) can change size under the same name; new
    // vectors must match the old ones, or every vector is embedded again at the new size.
    if (!probed && embeddings.checkModel !== undefined) {
      const now = await probe();
      if (now !== dimension) {
        embeddings.report?.(
          `the embedder ${embeddings.id} now returns ${now}-dimensional vectors (the index has ${dimension}): re-embedding every passage`,
        );
        dimension = now;
        reuse = false;
        cache = await VectorCache.open(options.cacheDir, embeddings.id, dimension);
        dense = options.denseBuilder(dimension, chunks.length);
        missing = chunks.map((_, i) => i);
      }
    }
  }

  const batch = Math.max(1, options.batch);
  const batches: number[][] = [];
  for (let b = 0; b < missing.length; b += batch) batches.push(missing.slice(b, b + batch));
  const textsOf = (slice: number[]) => slice.map((i) => embeddingText(chunks[i] as Chunk));
  const workers = options.workers ?? null;
  // Batches in passage order covering every passage: their terms can go straight into the postings.
  const lexical = workers && missing.length === chunks.length ? (options.lexical ?? null) : null;
  const embedBatch = async (slice: number[]) => {
    if (!workers) return { embedded: await embeddings.embedDocuments(textsOf(slice)), terms: null };
    const result = await workers.run(
      textsOf(slice),
      lexical ? slice.map((i) => lexical.text(chunks[i] as Chunk)) : [],
    );
    const embedded = slice.map((_, j) => result.vectors.subarray(j * dimension, (j + 1) * dimension));
    return { embedded, terms: lexical ? result : null };
  };
  let done = 0;
  options.onProgress?.({ done: 0, total: missing.length });
  await inOrder(batches, workers?.parallelism ?? 1, embedBatch, async ({ embedded, terms }, slice) => {
    const entries: Array<[string, ArrayLike<number>]> = [];
    slice.forEach((chunkIndex, j) => {
      const vec = embedded[j];
      if (!vec || vec.length !== dimension) {
        throw new UserError(
          "embedder-dimension",
          `the embedder ${embeddings.id} returned a vector of ${vec?.length ?? 0} dimensions, expected ${dimension}: if the model changed under the same name, run the ingest with --full`,
        );
      }
      // As float32, the way the cache stores it: the index is then the same whether a vector
      // came from the embedder, a worker or the cache.
      const stored = vec instanceof Float32Array ? vec : Float32Array.from(vec);
      dense.put(chunkIndex, stored);
      entries.push([keys[chunkIndex] ?? "", stored]);
    });
    if (terms) lexical?.take(terms);
    await cache.append(entries);
    done += slice.length;
    options.onProgress?.({ done, total: missing.length });
  });
  return { dense, dimension, embedded: missing.length, cache, keys, tokenised: lexical !== null };
}
