import { embeddingText } from "../chunk/chunker.js";
import type { IndexEmbeddings } from "../embed/types.js";
import { UserError } from "../errors.js";
import { VectorCache } from "../store/vector-cache.js";
import type { Chunk } from "../types.js";

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
  onProgress?: (progress: { done: number; total: number }) => void;
}

export interface EmbeddedChunks {
  /** One per chunk, in chunk order. */
  vectors: number[][];
  dimension: number;
  /** How many were embedded now rather than taken from the cache. */
  embedded: number;
  /** The cache and the keys this build uses, so publishing can drop what no build needs. */
  cache: VectorCache;
  keys: string[];
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

  const vectors: number[][] = new Array(chunks.length);
  const findMissing = () => {
    const missing: number[] = [];
    chunks.forEach((_, i) => {
      const cached = reuse ? cache.get(keys[i] ?? "") : undefined;
      if (cached) vectors[i] = Array.from(cached);
      else missing.push(i);
    });
    return missing;
  };
  let missing = findMissing();
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
        missing = findMissing();
      }
    }
  }

  const batch = Math.max(1, options.batch);
  options.onProgress?.({ done: 0, total: missing.length });
  for (let b = 0; b < missing.length; b += batch) {
    const slice = missing.slice(b, b + batch);
    const embedded = await embeddings.embedDocuments(slice.map((i) => embeddingText(chunks[i] as Chunk)));
    const entries: Array<[string, number[]]> = [];
    slice.forEach((chunkIndex, j) => {
      const vec = embedded[j];
      if (!vec || vec.length !== dimension) {
        throw new UserError(
          "embedder-dimension",
          `the embedder ${embeddings.id} returned a vector of ${vec?.length ?? 0} dimensions, expected ${dimension}: if the model changed under the same name, run the ingest with --full`,
        );
      }
      vectors[chunkIndex] = vec;
      entries.push([keys[chunkIndex] ?? "", vec]);
    });
    await cache.append(entries);
    options.onProgress?.({ done: Math.min(b + batch, missing.length), total: missing.length });
  }
  return { vectors, dimension, embedded: missing.length, cache, keys };
}
