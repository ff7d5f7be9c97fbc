import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { UserError } from "../errors.js";
import type {
  IndexSource,
  LexicalSearch,
  PassageLookup,
  RetrievalIndex,
  SearchHit,
} from "../retrieve/ports.js";
import type { Chunk, IndexSummary } from "../types.js";
import { type Bm25Data, Bm25Index } from "./bm25.js";
import { buildFiles, FORMAT_VERSION, layout, type Manifest, readCurrentBuildId } from "./build.js";
import type { DenseIndex, DenseSearchOptions } from "./dense/dense-index.js";
import { loadDenseIndex } from "./dense/factory.js";

/**
 * One loaded index build, as retrieval sees it (lexical, dense, passages by chunk id) plus what
 * describing and inspecting it need: the manifest and the passages in build order.
 */
export interface LoadedIndex extends RetrievalIndex {
  buildId: string;
  manifest: Manifest;
  /** Every passage, in the order ingest wrote them (the order `passages.order` reports). */
  chunks: readonly Chunk[];
  dense: DenseIndex | null;
}

/** BM25 postings name passages by position in the chunk list; retrieval names them by id. */
function lexicalById(bm25: Bm25Index, chunks: readonly Chunk[]): LexicalSearch {
  return {
    get size() {
      return bm25.size;
    },
    search: (terms, k): SearchHit[] =>
      bm25.search(terms, k).map((h) => ({ id: chunks[h.index]?.id ?? "", score: h.score })),
    documentFrequency: (term) => bm25.documentFrequency(term),
  };
}

function passagesById(chunks: readonly Chunk[]): PassageLookup {
  const position = new Map<string, number>();
  // The first occurrence wins, as a search by position would have found it first.
  chunks.forEach((c, i) => {
    if (!position.has(c.id)) position.set(c.id, i);
  });
  return {
    get: (id) => {
      const i = position.get(id);
      return i === undefined ? undefined : chunks[i];
    },
    order: (id) => position.get(id) ?? Number.MAX_SAFE_INTEGER,
  };
}

export async function loadIndex(
  indexDir: string,
  buildId: string,
  options: DenseSearchOptions = {},
): Promise<LoadedIndex> {
  const files = buildFiles(layout(indexDir).build(buildId));
  const manifest = JSON.parse(await readFile(files.manifest, "utf8")) as Manifest;
  // An older build's files mean something else (positions for ids, a graph without ids):
  // reading them would answer from a half-loaded index rather than fail.
  if (manifest.formatVersion !== FORMAT_VERSION) {
    throw new UserError(
      "index-outdated",
      `the index at ${indexDir} was written in format ${manifest.formatVersion}, this version reads format ${FORMAT_VERSION}: run "npm run ingest" to rebuild it`,
    );
  }
  const chunks = JSON.parse(await readFile(files.chunks, "utf8")) as Chunk[];
  const bm25 = new Bm25Index(JSON.parse(await readFile(files.bm25, "utf8")) as Bm25Data);
  const dense = existsSync(files.dense) ? await loadDenseIndex(files.dense, options) : null;
  return {
    buildId,
    manifest,
    chunks,
    lexical: lexicalById(bm25, chunks),
    dense,
    passages: passagesById(chunks),
  };
}

export function summariseIndex(index: LoadedIndex): IndexSummary {
  const counts = new Map<string, number>();
  for (const c of index.chunks) counts.set(c.source, (counts.get(c.source) ?? 0) + 1);
  return {
    builtAt: index.manifest.builtAt,
    embedder: index.manifest.embedder.id,
    sources: Object.entries(index.manifest.files).map(([source, f]) => ({
      source,
      title: f.title,
      ...(f.url ? { url: f.url } : {}),
      passages: counts.get(source) ?? 0,
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
    this.loaded = index;
    return index;
  }
}
