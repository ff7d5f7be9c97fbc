/**
 * How much of a question a passage answers: the IDF-weighted share of the question's concepts
 * it expresses. The coverage reranker, side balancing and the refusal policy all measure this.
 */

import { expressesConcept, type MatchableText } from "../text/concepts.js";
import { foldText } from "../text/normalize.js";
import type { Tokenizer } from "../text/tokenizer.js";
import type { Chunk } from "../types.js";
import type { LexicalSearch } from "./ports.js";
import type { QueryAnalysis, QueryTerm } from "./query.js";

/**
 * Weight of a concept: the IDF of its most common expression in the corpus; a word the articles
 * never use weighs like the rarest word (it names something they do not cover), except an
 * English word outside the glossary, which is phrasing there ("spend", "routing") and weighs
 * nothing. (Weighting absent Chinese words by their rarity in general Chinese was tried and
 * let "今天北京的天气怎么样？" through: 天气 is common in Chinese at large.)
 */
export function conceptWeight(
  lexical: Pick<LexicalSearch, "size" | "documentFrequency">,
  concept: QueryTerm,
): number {
  const dfs = concept.alternatives.map((t) => lexical.documentFrequency(t));
  // Parts express a concept only all together (expressesConcept), so they are no more common
  // than the rarest of them: "health-tech" is not as common as "health" where "tech" never occurs.
  if (concept.parts.length >= 2)
    dfs.push(Math.min(...concept.parts.map((t) => lexical.documentFrequency(t))));
  const df = Math.max(...dfs, 0);
  if (df === 0 && concept.soft) return 0;
  const n = lexical.size || 1;
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

export function conceptWeights(analysis: QueryAnalysis, lexical: LexicalSearch): number[] {
  return analysis.concepts.map((c) => conceptWeight(lexical, c));
}

/** What concept matching reads of a passage: its heading names what it is about. */
function matchableString(chunk: Chunk): string {
  return `${chunk.headingPath.join(" ")} ${chunk.lead ?? ""} ${chunk.text}`;
}

/** A passage with its heading, as concept matching sees it: the heading names what it is about. */
export function matchableText(chunk: Chunk, tokenizer: Tokenizer): MatchableText {
  const text = matchableString(chunk);
  return { terms: new Set(tokenizer.terms(text)), text: foldText(text) };
}

/** Passages whose matchable text is remembered between questions (a few MB of term sets). */
const REMEMBERED = 8192;
const remembered = new WeakMap<Tokenizer, Map<string, MatchableText>>();

/**
 * matchableText for passages of one index. Where the index can say which terms a passage holds
 * (BM25 postings hold exactly the terms of the passage's heading path, lead and text), the
 * passage is not tokenised again: tokenising was the dearest step of reranking (~0.15 ms a
 * passage, against microseconds for a postings lookup). Otherwise the tokenised terms are
 * remembered across questions, since the passages a bot's questions reach repeat: keyed by
 * everything they are made of (a chunk id names its source and text; the heading path and lead
 * can change under the same id), least recently used first out.
 *
 * With `lexical`, every chunk passed must come from that index (as retrieval's candidates do).
 */
export function matchableTexts(
  tokenizer: Tokenizer,
  lexical?: Pick<LexicalSearch, "indexedTerms">,
): (chunk: Chunk) => MatchableText {
  const tokenised = tokenisedTexts(tokenizer);
  const indexed = lexical?.indexedTerms?.bind(lexical);
  if (!indexed) return tokenised;
  return (chunk) => {
    const terms = indexed(chunk.id);
    return terms ? { terms, text: foldText(matchableString(chunk)) } : tokenised(chunk);
  };
}

function tokenisedTexts(tokenizer: Tokenizer): (chunk: Chunk) => MatchableText {
  let cache = remembered.get(tokenizer);
  if (!cache) {
    cache = new Map();
    remembered.set(tokenizer, cache);
  }
  const known = cache;
  return (chunk) => {
    const key = `${chunk.id}\u0000${chunk.headingPath.join("\u0001")}\u0000${chunk.lead ?? ""}`;
    let value = known.get(key);
    if (value === undefined) {
      value = matchableText(chunk, tokenizer);
      if (known.size >= REMEMBERED) known.delete(known.keys().next().value as string);
    } else known.delete(key);
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    known.set(key, value);
    return value;
  };
}
/** IDF-weighted share of the question's concepts that the given passages express together. */
export function coverage(
  analysis: QueryAnalysis,
  weights: number[],
  passages: MatchableText[],
): { share: number; missing: string[] } {
  let total = 0;
  let found = 0;
  const missing: string[] = [];
  analysis.concepts.forEach((concept, i) => {
    const w = weights[i] ?? 0;
    total += w;
    if (passages.some((p) => expressesConcept(concept, p))) found += w;
    else missing.push(concept.surface);
  });
  return { share: total === 0 ? 1 : found / total, missing };
}
