import { HEADING_SEPARATOR } from "../chunk/chunker.js";
import type { IndexEmbeddings } from "../embed/types.js";
import type { Tokenizer } from "../text/tokenizer.js";
import type { Chunk, RetrievedPassage } from "../types.js";
import type { RetrievalIndex } from "./ports.js";
import type { QueryAnalysis, QueryTerm, Side } from "./query.js";

export interface RetrieveOptions {
  /** Passages handed to the answer step. */
  k: number;
  /** How many of each ranked list take part in the fusion. */
  candidates?: number;
  /** How many passages of the fused ranking to report (at least k). */
  report?: number;
  /**
   * Weight of the dense ranking in the fusion (BM25 counts 1). The builtin embedder is itself a
   * bag of words, a weaker second opinion than BM25 on the same words; a real multilingual model
   * sees meaning BM25 cannot, and earns an equal vote.
   */
  denseWeight?: number;
}

export interface Evidence {
  /** The same share for the single best of the top passages. */
  bestPassageCoverage: number;
  /** Names in the question that no passage of the index mentions. */
  unknownNames: string[];
  /** Share (by IDF weight) of the question's concepts found in the top passages, 0..1. */
  coverage: number;
  /** Concepts found nowhere in the top passages. */
  missing: string[];
  /** For a comparison: whether any top passage speaks for each side. */
  sides: Record<Side, boolean>;
}

export interface ScoredChunk {
  chunk: Chunk;
  index: number;
  score: number;
}

export interface Retrieval {
  /** IDF weight of each of the question's concepts in this index, in concept order. */
  conceptWeights: number[];
  /** The fused ranking, best first. */
  ranked: ScoredChunk[];
  /** The passages the answer is built from (k, both sides represented for comparisons). */
  top: ScoredChunk[];
  evidence: Evidence;
}

const RRF_C = 60;
const RERANK_DEPTH = 20;
const LIST_HEAD = 10;
const RERANK_WEIGHT = 0.6;
const SIDE_WORD: Record<Side, string> = { open: "开源", closed: "闭源" };

export function passageView(s: ScoredChunk, rank: number): RetrievedPassage {
  return {
    rank,
    id: s.chunk.id,
    source: s.chunk.source,
    title: s.chunk.title,
    heading: s.chunk.headingPath.join(HEADING_SEPARATOR),
    text: s.chunk.text,
    score: Number(s.score.toFixed(6)),
  };
}

/** Which side a passage speaks for: the side named in its heading, else the one its text names more. */
export function passageSide(chunk: Chunk): Side | "both" | null {
  const heading = chunk.headingPath.join(" ");
  const hOpen = heading.includes("开源");
  const hClosed = heading.includes("闭源");
  if (hOpen !== hClosed) return hOpen ? "open" : "closed";
  const open = chunk.text.split("开源").length - 1;
  const closed = chunk.text.split("闭源").length - 1;
  if (open === 0 && closed === 0) return null;
  if (open > 0 && closed > 0) return "both";
  return open > 0 ? "open" : "closed";
}

function bigrams(text: string): Set<string> {
  const out = new Set<string>();
  const t = text.replace(/\s+/g, "");
  for (let i = 0; i + 1 < t.length; i++) out.add(t.slice(i, i + 2));
  return out;
}

function nearDuplicate(x: Set<string>, y: Set<string>): boolean {
  let shared = 0;
  // Counting over the smaller set gives the same count with fewer lookups.
  const [small, large] = x.size <= y.size ? [x, y] : [y, x];
  for (const g of small) if (large.has(g)) shared++;
  // Jaccard, not containment: a short passage that overlaps a longer one (chunk overlap) must
  // not make the longer, more complete passage disappear.
  return shared / Math.max(1, x.size + y.size - shared) >= 0.8;
}

/** Weight of a concept: the IDF of its rarest expression in the corpus (absent = as rare as can be). */
function conceptWeight(index: RetrievalIndex, concept: QueryTerm): number {
  const dfs = [...concept.alternatives, ...concept.parts].map((t) => index.lexical.documentFrequency(t));
  const df = Math.max(...dfs.filter((d) => d > 0), 0);
  const n = index.lexical.size || 1;
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

function expresses(concept: QueryTerm, passageTerms: Set<string>, passageText: string): boolean {
  // Latin words (model names) must match as whole tokens: "llama" is not "chinese-llama-alpaca-3".
  const present = (t: string) =>
    passageTerms.has(t) || (/[\u3400-\u9fff]/.test(t) && passageText.includes(t));
  if (concept.alternatives.some(present)) return true;
  return concept.parts.length >= 2 && concept.parts.every(present);
}

interface PassageView {
  terms: Set<string>;
  text: string;
}

function viewOf(chunk: Chunk, tokenizer: Tokenizer): PassageView {
  const text = `${chunk.headingPath.join(" ")} ${chunk.text}`;
  return { terms: new Set(tokenizer.terms(text)), text: text.normalize("NFKC").toLowerCase() };
}

/** IDF-weighted share of the question's concepts that the given passages express together. */
function coverage(
  analysis: QueryAnalysis,
  weights: number[],
  views: PassageView[],
): { share: number; missing: string[] } {
  let total = 0;
  let found = 0;
  const missing: string[] = [];
  analysis.concepts.forEach((concept, i) => {
    const w = weights[i] ?? 0;
    total += w;
    if (views.some((v) => expresses(concept, v.terms, v.text))) found += w;
    else missing.push(concept.surface);
  });
  return { share: total === 0 ? 1 : found / total, missing };
}

/** Results per chunk for the span of one retrieval: tokenising a passage is its dearest step. */
function memo<T>(compute: (chunk: Chunk) => T): (chunk: Chunk) => T {
  const cache = new Map<Chunk, T>();
  return (chunk) => {
    let value = cache.get(chunk);
    if (value === undefined) {
      value = compute(chunk);
      cache.set(chunk, value);
    }
    return value;
  };
}

export function assessEvidence(
  analysis: QueryAnalysis,
  top: ScoredChunk[],
  index: RetrievalIndex,
  tokenizer: Tokenizer,
  view: (chunk: Chunk) => PassageView = (chunk) => viewOf(chunk, tokenizer),
): Evidence {
  const weights = analysis.concepts.map((c) => conceptWeight(index, c));
  const views = top.slice(0, 3).map((s) => view(s.chunk));
  const { share, missing } = coverage(analysis, weights, views);
  const bestPassageCoverage = Math.max(0, ...views.map((v) => coverage(analysis, weights, [v]).share));
  const sides = { open: false, closed: false };
  for (const s of top) {
    const side = passageSide(s.chunk);
    if (side === "open" || side === "both") sides.open = true;
    if (side === "closed" || side === "both") sides.closed = true;
  }
  const unknownNames = analysis.concepts
    .filter((c) => c.name && c.alternatives.every((a) => index.lexical.documentFrequency(a) === 0))
    .map((c) => c.surface);
  return { coverage: share, bestPassageCoverage, missing, sides, unknownNames };
}

/**
 * Hybrid retrieval: dense (HNSW) and BM25 rankings fused by reciprocal rank on chunk position.
 * A comparison also searches its aspect once per side, so that each side's passages compete
 * with their own kind rather than with the side the articles happen to say more about.
 */
export async function retrieve(
  analysis: QueryAnalysis,
  index: RetrievalIndex,
  embeddings: IndexEmbeddings,
  tokenizer: Tokenizer,
  options: RetrieveOptions,
): Promise<Retrieval> {
  const candidates = options.candidates ?? 50;
  const view = memo((chunk) => viewOf(chunk, tokenizer));
  const bigramsOf = memo((chunk) => bigrams(chunk.text));
  const aspectTerms = analysis.concepts.flatMap((c) => c.alternatives);
  const queries: Array<{ lexical: string[]; dense: string; side?: Side }> = [
    { lexical: analysis.searchTerms, dense: analysis.denseText },
  ];
  if (analysis.comparison) {
    for (const side of ["open", "closed"] as Side[]) {
      queries.push({
        lexical: [...aspectTerms, SIDE_WORD[side]],
        dense: `${SIDE_WORD[side]} ${analysis.denseText}`,
        side,
      });
    }
  }
  const vectors = index.dense ? await embeddings.embedDocuments(queries.map((q) => q.dense)) : [];

  const fused = new Map<string, number>();
  // The head of every single list is reranked too: a passage that one retriever ranks first can
  // sit deep in the fused order when the other retriever missed it.
  const listHeads = new Set<string>();
  queries.forEach((q, qi) => {
    const lists: Array<{ weight: number; hits: string[] }> = [
      { weight: 1, hits: index.lexical.search(q.lexical, candidates).map((h) => h.id) },
    ];
    const vector = vectors[qi];
    if (index.dense && vector) {
      lists.push({
        weight: options.denseWeight ?? 1,
        hits: index.dense.search(vector, candidates).map((h) => h.id),
      });
    }
    for (const { weight, hits } of lists) {
      hits.forEach((docIndex, rank) => {
        fused.set(docIndex, (fused.get(docIndex) ?? 0) + weight / (RRF_C + rank + 1));
      });
      for (const docIndex of hits.slice(0, LIST_HEAD)) listHeads.add(docIndex);
    }
  });

  // Rerank the head of the fused list by how much of the question each passage answers on its
  // own: rank fusion rewards passages that are merely decent in both lists over one that is the
  // clear lexical match for every concept asked about.
  const weights = analysis.concepts.map((c) => conceptWeight(index, c));
  const order = (id: string) => index.passages.order(id);
  const fusedOrder = [...fused.entries()].sort((a, b) => b[1] - a[1] || order(a[0]) - order(b[0]));
  const head = fusedOrder.filter(([docIndex], i) => i < RERANK_DEPTH || listHeads.has(docIndex));
  const inHead = new Set(head.map(([docIndex]) => docIndex));
  const best = head[0]?.[1] ?? 1;
  const reranked = head
    .map(([docIndex, score]) => {
      const chunk = index.passages.get(docIndex);
      const answered = chunk ? coverage(analysis, weights, [view(chunk)]).share : 0;
      return [docIndex, score / best + RERANK_WEIGHT * answered] as [string, number];
    })
    .sort((a, b) => b[1] - a[1] || order(a[0]) - order(b[0]));
  const ordered = [...reranked, ...fusedOrder.filter(([docIndex]) => !inHead.has(docIndex))];
  const ranked: ScoredChunk[] = [];
  for (const [docIndex, score] of ordered) {
    const chunk = index.passages.get(docIndex);
    if (!chunk) continue;
    const grams = bigramsOf(chunk);
    if (ranked.some((r) => nearDuplicate(bigramsOf(r.chunk), grams))) continue;
    ranked.push({ chunk, index: order(docIndex), score });
    if (ranked.length >= Math.max(options.report ?? 10, options.k) + 10) break;
  }

  const top = ranked.slice(0, options.k);
  if (analysis.comparison) {
    // Each side gets its best passage on the aspect asked about among those the answer is built
    // from, when the ranking has one: a comparison that shows one side only is not balanced.
    const aspectShare = (s: ScoredChunk) => coverage(analysis, weights, [view(s.chunk)]).share;
    const speaksFor = (s: ScoredChunk, side: Side) => {
      const ps = passageSide(s.chunk);
      return (ps === side || ps === "both") && aspectShare(s) >= 0.5;
    };
    const protectedIds = new Set<string>();
    for (const side of ["open", "closed"] as Side[]) {
      const present = top.find((s) => speaksFor(s, side));
      if (present) {
        protectedIds.add(present.chunk.id);
        continue;
      }
      const best = ranked.find((s) => !top.includes(s) && speaksFor(s, side));
      if (!best) continue;
      let replaceAt = top.length;
      if (top.length >= options.k) {
        for (let i = top.length - 1; i >= 0; i--) {
          if (!protectedIds.has(top[i]?.chunk.id ?? "")) {
            replaceAt = i;
            break;
          }
        }
      }
      top[replaceAt] = best;
      protectedIds.add(best.chunk.id);
    }
  }
  const evidence = assessEvidence(analysis, top, index, tokenizer, view);
  return {
    conceptWeights: weights,
    ranked: ranked.slice(0, Math.max(options.report ?? 10, options.k)),
    top,
    evidence,
  };
}
