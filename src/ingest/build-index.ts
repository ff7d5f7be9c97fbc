import { Bm25Builder, type Bm25Data, Bm25Index } from "../store/bm25.js";
import type { DenseIndex, DenseIndexBuilder } from "../store/dense/dense-index.js";
import { type BilingualDictionary, type Bridge, bridgeFor, loadDictionary } from "../text/bridge.js";
import type { Tokenizer } from "../text/tokenizer.js";
import type { Chunk } from "../types.js";
import { inOrder, type PassageWorkers, type PassageWorkResult } from "./passage-workers.js";

/** The text whose BM25 terms represent a passage: its heading path (and a block's lead) give context. */
export function lexicalText(chunk: Pick<Chunk, "headingPath" | "text" | "lead">): string {
  return `${chunk.headingPath.join(" ")}\n${chunk.lead ? `${chunk.lead}\n` : ""}${chunk.text}`;
}

export interface SearchStructures {
  bm25: Bm25Data;
  /** null for an empty corpus: there is nothing to search. */
  dense: DenseIndex | null;
  /** English ↔ Chinese words of these passages (src/text/bridge.ts). */
  bridge: Bridge;
}

/** Passages tokenised between two turns of the event loop (a few tens of milliseconds). */
const PASSAGES_PER_TURN = 500;

/**
 * Index stage: the dense index over the embedded vectors and the BM25 postings over each
 * passage's terms, at the same time. The dense build may run on a worker thread (HNSW's graph);
 * tokenising runs here in slices, letting the event loop turn between them, so a bot running
 * /reindex in-process keeps answering.
 */
export async function buildSearchStructures(
  chunks: readonly Chunk[],
  dense: DenseIndexBuilder,
  tokenizer: Tokenizer,
  workers: PassageWorkers | null = null,
  options: {
    dictionary?: () => Promise<BilingualDictionary>;
    /** Every passage already added, in order (tokenised by the workers while they embedded). */
    tokenised?: Bm25Builder | null;
  } = {},
): Promise<SearchStructures> {
  const denseBuilt = chunks.length > 0 ? dense.build(chunks.map((c) => c.id)) : Promise.resolve(null);
  // Without a handler until it is awaited, a failed worker would be an unhandled rejection.
  denseBuilt.catch(() => {});
  const bm25 = options.tokenised ?? new Bm25Builder();
  if (options.tokenised) {
    // Nothing left to tokenise.
  } else if (workers) {
    const batches: number[] = [];
    for (let from = 0; from < chunks.length; from += PASSAGES_PER_TURN) batches.push(from);
    await inOrder(
      batches,
      workers.parallelism,
      (from) =>
        workers.run(
          [],
          chunks.slice(from, from + PASSAGES_PER_TURN).map((c) => lexicalText(c)),
        ),
      (result) => addTokenised(bm25, result),
    );
  } else {
    for (let i = 0; i < chunks.length; i++) {
      bm25.add(tokenizer.terms(lexicalText(chunks[i] as Chunk)));
      if ((i + 1) % PASSAGES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const data = bm25.finish();
  const index = new Bm25Index(data);
  const bridge = bridgeFor(await (options.dictionary ?? loadDictionary)(), (term) =>
    index.documentFrequency(term),
  );
  return { bm25: data, dense: await denseBuilt, bridge };
}

/** Per postings builder, each worker vocabulary's indexes mapped to the builder's term ids (-1: not yet). */
const termIdsOf = new WeakMap<Bm25Builder, Map<readonly string[], Int32Array>>();

/** A batch of passages the workers tokenised, added to the postings in the batch's order. */
export function addTokenised(
  bm25: Bm25Builder,
  { vocabulary, passages }: Pick<PassageWorkResult, "vocabulary" | "passages">,
): void {
  let byVocabulary = termIdsOf.get(bm25);
  if (!byVocabulary) {
    byVocabulary = new Map();
    termIdsOf.set(bm25, byVocabulary);
  }
  let ids = byVocabulary.get(vocabulary);
  if (!ids || ids.length < vocabulary.length) {
    const grown = new Int32Array(Math.max(vocabulary.length, (ids?.length ?? 0) * 2)).fill(-1);
    if (ids) grown.set(ids);
    ids = grown;
    byVocabulary.set(vocabulary, ids);
  }
  for (const p of passages) {
    // Only the terms a passage added here uses get an id: the worker may have met others in
    // batches this builder never receives.
    for (let i = 0; i < p.terms.length; i++) {
      const local = p.terms[i] as number;
      if (ids[local] === -1) ids[local] = bm25.termId(vocabulary[local] as string);
    }
    bm25.addIds(p.terms, ids, p.tfs, p.length);
  }
}
