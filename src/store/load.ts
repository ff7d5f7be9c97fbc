import { existsSync } from "node:fs";
import { UserError } from "../errors.js";
import type {
  IndexSource,
  LexicalSearch,
  PassageLookup,
  RetrievalIndex,
  SearchHit,
} from "../retrieve/ports.js";
import { Bridge } from "../text/bridge.js";
import type { Chunk, IndexSummary } from "../types.js";
import { Bm25Index, loadBm25 } from "./bm25.js";
import {
  buildFiles,
  FORMAT_VERSION,
  layout,
  type Manifest,
  readCurrentBuildId,
  readManifestJson,
} from "./build.js";
import type { DenseIndex, DenseSearchOptions } from "./dense/dense-index.js";
import { loadDenseIndex, splitOptions } from "./dense/factory.js";
import { FileTable } from "./file-table.js";
import { PassageStore } from "./passages.js";

/**
 * One loaded index build, as retrieval sees it (lexical, dense, passages by chunk id) plus what
 * describing and inspecting it need: the manifest and the passages in build order.
 */
export interface LoadedIndex extends RetrievalIndex {
  buildId: string;
  manifest: Manifest;
  /** The passage files, read by position (passage i is the i-th ingest wrote). */
  store: PassageStore;
  /**
   * Every passage as a Chunk, in the order ingest wrote them (the order `passages.order`
   * reports). Made on first use: at a million passages, prefer `store`.
   */
  readonly chunks: readonly Chunk[];
  dense: DenseIndex | null;
  /** Ends the searches' helper threads (SEARCH_THREADS); the index keeps answering without them. */
  close(): Promise<void>;
}

/**
 * BM25 postings name passages by position; retrieval names them by id. `positionOf` is the
 * passage lookup's (it remembers recent ids: a binary search over every id costs microseconds).
 */
function lexicalById(
  bm25: Bm25Index,
  store: PassageStore,
  positionOf: (id: string) => number,
): LexicalSearch {
  return {
    get size() {
      return bm25.size;
    },
    search: (terms, k): SearchHit[] =>
      bm25.search(terms, k).map((h) => ({ id: store.idAt(h.index), score: h.score })),
    documentFrequency: (term) => bm25.documentFrequency(term),
    indexedTerms: (id) => {
      const position = positionOf(id);
      return position < 0 ? undefined : { has: (term: string) => bm25.contains(term, position) };
    },
  };
}

/**
 * Passages by id, with the Chunk objects of recent lookups kept: one retrieval asks for the same
 * candidates several times (fusion, rerank, dedupe), and decoding one is cheap but not free.
 */
function passagesById(store: PassageStore): PassageLookup & { positionOf(id: string): number } {
  const recent = new Map<string, { position: number; chunk: Chunk | undefined }>();
  const lookup = (id: string) => {
    let found = recent.get(id);
    if (found === undefined) {
      // The first occurrence wins, as a search by position would have found it first.
      const position = store.positionOf(id);
      found = position < 0 ? { position, chunk: undefined } : { position, chunk: store.at(position) };
      if (recent.size >= 4096) recent.clear();
      recent.set(id, found);
    }
    return found;
  };
  return {
    get: (id) => lookup(id).chunk,
    order: (id) => {
      const { position } = lookup(id);
      return position < 0 ? Number.MAX_SAFE_INTEGER : position;
    },
    /** The passage's position, or -1 when the id is not in this build. */
    positionOf: (id) => lookup(id).position,
  };
}

export async function loadIndex(
  indexDir: string,
  buildId: string,
  options: DenseSearchOptions = {},
): Promise<LoadedIndex> {
  const dir = layout(indexDir).build(buildId);
  const files = buildFiles(dir);
  const head = await readManifestJson(dir);
  // An older build's files mean something else (positions for ids, a graph without ids):
  // reading them would answer from a half-loaded index rather than fail.
  if (head.formatVersion !== FORMAT_VERSION) {
    throw new UserError(
      "index-outdated",
      `the index at ${indexDir} was written in format ${head.formatVersion}, this version reads format ${FORMAT_VERSION}: run "npm run ingest" to rebuild it`,
    );
  }
  const [store, bm25Data, dense, bridge, fileTable] = await Promise.all([
    PassageStore.load(files.passages),
    loadBm25(files.bm25),
    existsSync(files.dense) ? loadDenseIndex(files.dense, options) : null,
    Bridge.load(files.bridge),
    FileTable.load(files.files),
  ]);
  const manifest: Manifest = { ...head, files: fileTable };
  const bm25 = new Bm25Index(bm25Data, splitOptions(options));
  const passages = passagesById(store);
  let chunks: Chunk[] | null = null;
  const loaded = {
    buildId,
    manifest,
    store,
    lexical: lexicalById(bm25, store, passages.positionOf),
    dense,
    passages,
    bridge,
    close: async () => {
      await Promise.all([dense?.close?.(), bm25.close()]);
    },
  } as Omit<LoadedIndex, "chunks">;
  // Not enumerable: a copy made by spreading ({ ...index, dense }, as the answerer does for each
  // question) would otherwise decode every passage of a new build, blocking the event loop on
  // the first question after each switch (~100 ms at 10k passages, far more at a million).
  return Object.defineProperty(loaded, "chunks", {
    get() {
      chunks ??= Array.from({ length: store.count }, (_, i) => store.at(i));
      return chunks;
    },
    enumerable: false,
  }) as LoadedIndex;
}

export function summariseIndex(index: LoadedIndex): IndexSummary {
  return {
    builtAt: index.manifest.builtAt,
    embedder: index.manifest.embedder.id,
    sources: Array.from(index.manifest.files.entries(), ([source, f]) => ({
      source,
      title: f.title,
      ...(f.url ? { url: f.url } : {}),
      passages: f.passages,
    })),
  };
}

/**
 * The running bot's view of the index: each call checks which build CURRENT names and loads a
 * new one when an ingest has swapped it in, so answers come from the newest index without a
 * restart. Reading the small pointer file costs far less than a query.
 */
export class IndexHandle implements IndexSource {
  private loaded: LoadedIndex | null = null;
  private loading: Promise<LoadedIndex> | null = null;

  constructor(
    private readonly indexDir: string,
    private readonly embedderId: string,
    /** Search-time settings: they apply to whatever build is loaded, old or new. */
    private readonly search: DenseSearchOptions = {},
  ) {}

  async current(): Promise<LoadedIndex> {
    const id = await readCurrentBuildId(this.indexDir);
    if (!id) {
      throw new UserError("index-missing", `no index at ${this.indexDir}: run "npm run ingest" first`);
    }
    if (this.loaded?.buildId === id) return this.loaded;
    this.loading ??= loadIndex(this.indexDir, id, this.search).finally(() => {
      this.loading = null;
    });
    const index = await this.loading;
    if (index.manifest.embedder.id !== this.embedderId) {
      throw new UserError(
        "index-mismatch",
        `the index at ${this.indexDir} was built with ${index.manifest.embedder.id}, but the configured embedder is ${this.embedderId}: run "npm run ingest" to rebuild it`,
      );
    }
    // The build it replaces may still be answering a question; closing only ends its helper
    // threads, and that question finishes on its own thread.
    if (this.loaded && this.loaded !== index) void this.loaded.close();
    this.loaded = index;
    return index;
  }

  /** Ends the loaded build's helper threads (at shutdown). */
  async close(): Promise<void> {
    await this.loaded?.close();
  }
}
