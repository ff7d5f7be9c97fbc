import { mkdir } from "node:fs/promises";
import { type ChunkingOptions, chunkArticle } from "../chunk/chunker.js";
import type { Config } from "../config.js";
import { READERS, type ReaderRegistry } from "../corpus/readers.js";
import type { Logger } from "../logger.js";
import { Bm25Builder } from "../store/bm25.js";
import { layout, readCurrentManifest } from "../store/build.js";
import { readBuildSource, writeBuildSource } from "../store/build-source.js";
import { createDenseIndexBuilder, denseKindFor } from "../store/dense/factory.js";
import { withIngestLock } from "../store/lock.js";
import { sharedTokenizer, type Tokenizer } from "../text/tokenizer.js";
import { addTokenised, buildSearchStructures, lexicalText } from "./build-index.js";
import { compareFiles, rebuildReason } from "./changes.js";
import { type CheckedEmbeddings, embedChunks } from "./embed.js";
import { buildSettings, fingerprintCorpus } from "./fingerprint.js";
import { parseCorpus } from "./parse.js";
import { PassageWorkers, POOL_MIN_FILES, POOL_MIN_PASSAGES } from "./passage-workers.js";
import { publishBuild } from "./publish.js";
import { readCorpus, refuseUnusableCorpus } from "./read.js";
import { cleanedFiles, type IngestProgress, type IngestSummary } from "./summary.js";
import { keptBuild } from "./unchanged.js";

export type { IngestSummary } from "./summary.js";

export interface IngestOptions {
  corpusDir: string;
  indexDir: string;
  chunking: ChunkingOptions;
  embeddings: CheckedEmbeddings;
  tokenizer: Tokenizer;
  logger: Logger;
  /** File extension → reader; the builtin formats unless a test or a caller adds one. */
  readers?: ReaderRegistry;
  /** Re-embed everything, ignoring cached vectors. */
  full?: boolean;
  /** Publish an empty index for an empty corpus instead of refusing it (CorpusUnusableError). */
  allowEmpty?: boolean;
  /** Texts handed to the embedder per call; progress is reported after each. */
  embedBatch?: number;
  /**
   * Passages from which embedding (builtin embedder) and tokenising run on worker threads;
   * below it one thread does both (starting workers takes about a second).
   */
  parallelFrom?: number;
  /** Files from which parsing and cleaning (builtin readers) run on the worker threads. */
  parseParallelFrom?: number;
  /** Starts the worker pool (tests watch it work); PassageWorkers.start by default. */
  startWorkers?: (embedderId: string) => Promise<PassageWorkers | null>;
  onProgress?: (progress: IngestProgress) => void;
  now?: () => Date;
}

/** Where and how to ingest, as the settings say: the part of IngestOptions every caller fills alike. */
export function ingestSettings(
  config: Pick<Config, "corpusDir" | "indexDir" | "chunking">,
): Pick<IngestOptions, "corpusDir" | "indexDir" | "chunking"> {
  return { corpusDir: config.corpusDir, indexDir: config.indexDir, chunking: config.chunking };
}

/**
 * Corpus → a new index build: read → parse and clean → chunk → embed (vector cache) → index →
 * publish. An unchanged corpus (same files, settings and code versions) keeps the current build.
 */
export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const { indexDir, embeddings, logger, chunking } = options;
  const readers = options.readers ?? READERS;
  const full = options.full ?? false;
  const seconds = () => (performance.now() - started) / 1000;
  await mkdir(indexDir, { recursive: true });
  const onStaleLock = (pid: number) =>
    logger.warn({ pid }, "taking over the lock of an ingest that is no longer running");
  return withIngestLock(layout(indexDir).lock, onStaleLock, async () => {
    const allowEmpty = { allowEmpty: options.allowEmpty ?? false };
    const corpus = await readCorpus(options.corpusDir, allowEmpty);
    const record = await readBuildSource(indexDir);
    // Unknown (Ollama unreachable, or the builtin embedder): the name alone identifies the model.
    const model = await embeddings.describeModel?.().catch(() => null);
    const digest = model?.digest ?? null;
    const { fingerprint, stamps } = await fingerprintCorpus(
      corpus,
      buildSettings(embeddings.id, chunking, readers, digest),
      record?.stamps ?? null,
    );
    const kept = full ? null : await keptBuild(indexDir, fingerprint, logger);
    if (kept) {
      // Newer stamps let the next run trust files that were too fresh (racy) to trust this time.
      if (record) await writeBuildSource(indexDir, { ...record, stamps });
      return { ...kept, seconds: seconds() };
    }

    // Started for parsing when there are many files, else after chunking when there are many passages.
    let workers = parsesInWorkers(corpus.length, readers, options) ? await startWorkers(options) : null;
    try {
      const { articles, skipped } = await parseCorpus(corpus, readers, logger, {
        ...(workers ? { parse: workers.parse.bind(workers) } : {}),
        // Reading the next files while one is parsed; more with workers parsing in parallel.
        parallelism: workers ? workers.parallelism * 2 : 4,
      });
      refuseUnusableCorpus(options.corpusDir, articles.length, skipped.length, allowEmpty);
      const previous = await readCurrentManifest(indexDir);
      const why = rebuildReason(previous, { full, embedderId: embeddings.id, chunking, modelDigest: digest });
      if (why && why !== "--full") logger.info(`full rebuild: ${why}`);
      const chunks = articles.flatMap((a) => chunkArticle(a, chunking));
      if (!workers && passagesInWorkers(chunks.length, options)) workers = await startWorkers(options);
      // With the workers tokenising, a full build's passages get their BM25 terms while embedded.
      const tokenising = workers && tokenisesInWorkers(options) ? new Bm25Builder() : null;
      const embedded = await embedChunks(chunks, {
        embeddings,
        cacheDir: layout(indexDir).cache,
        knownDimension: previous?.embedder.id === embeddings.id ? previous.embedder.dimension : 0,
        reuseCache: why === null,
        batch: options.embedBatch ?? 256,
        workers: workers?.embeds && embedsInWorkers(options) ? workers : null,
        denseBuilder: (dimension, count) =>
          createDenseIndexBuilder(denseKindFor(embeddings.id), dimension, count),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(tokenising ? { lexical: { text: lexicalText, take: (r) => addTokenised(tokenising, r) } } : {}),
      });
      const structures = await buildSearchStructures(
        chunks,
        embedded.dense,
        options.tokenizer,
        tokenisesInWorkers(options) ? workers : null,
        { tokenised: embedded.tokenised ? tokenising : null },
      );
      const manifest = await publishBuild(indexDir, {
        articles,
        chunks,
        structures,
        chunking,
        fingerprint,
        stamps,
        skipped,
        embedder: {
          id: embeddings.id,
          dimension: embedded.dimension,
          ...(model ? { model: model.name, digest: model.digest } : {}),
        },
        now: options.now?.() ?? new Date(),
        previousBuildId: previous?.buildId ?? null,
        cache: embedded.cache,
        keys: embedded.keys,
      });
      const reused = chunks.length - embedded.embedded;
      return {
        buildId: manifest.buildId,
        files: compareFiles(articles, skipped.length, previous),
        chunks: { embedded: embedded.embedded, reused, total: chunks.length },
        rebuildReason: why,
        skipped,
        cleaned: cleanedFiles(articles.map((a) => [a.source, a.removed?.length ?? 0])),
        seconds: seconds(),
      };
    } finally {
      await workers?.close();
    }
  });
}

/**
 * Worker threads, for the work they compute exactly as this thread would: parsing with the
 * builtin readers (a caller's own readers stay here), embedding with the builtin embedder (a
 * model server is called, not computed), tokenising with the shared tokenizer (the workers make
 * their own the same way); and only when the corpus is large enough to pay for starting them.
 */
function parsesInWorkers(files: number, readers: ReaderRegistry, options: IngestOptions): boolean {
  return readers === READERS && files >= (options.parseParallelFrom ?? POOL_MIN_FILES);
}

function embedsInWorkers(options: IngestOptions): boolean {
  return options.embeddings.id.startsWith("builtin:");
}

function tokenisesInWorkers(options: IngestOptions): boolean {
  return options.tokenizer === sharedTokenizer();
}

function passagesInWorkers(passages: number, options: IngestOptions): boolean {
  return (
    passages >= (options.parallelFrom ?? POOL_MIN_PASSAGES) &&
    (embedsInWorkers(options) || tokenisesInWorkers(options))
  );
}

async function startWorkers(options: IngestOptions): Promise<PassageWorkers | null> {
  const workers = await (options.startWorkers ?? PassageWorkers.start)(options.embeddings.id);
  if (!workers) options.logger.warn("ingesting on this thread alone: the worker threads did not start");
  return workers;
}
