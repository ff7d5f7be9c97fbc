import { createHash } from "node:crypto";
import { Embeddings } from "@langchain/core/embeddings";
import { CJK_IDEOGRAPH_RUN } from "../text/cjk.js";
import { generalIdf, pairIdf } from "../text/general-idf.js";
import { LEXICON } from "../text/lexicon.js";
import { foldText } from "../text/normalize.js";
import type { Tokenizer } from "../text/tokenizer.js";

export const BUILTIN_DIMENSION = 512;
/**
 * hash-v3: Traditional Chinese read as Simplified (src/text/normalize.ts), bigrams included.
 * hash-v4: a hyphenated word's stemmed form is a term too (src/text/tokenizer.ts).
 */
const BUILTIN_VERSION = "hash-v4";
/**
 * The vectors depend on how the tokenizer cuts text, so the domain dictionary and stop words are
 * part of the embedder's identity: cached vectors made with another dictionary are not reused.
 */
const VOCABULARY = createHash("sha256")
  .update(JSON.stringify([LEXICON.domainTerms, [...LEXICON.stopWords]]))
  .digest("hex")
  .slice(0, 8);

/** General-language IDF (src/text/general-idf.ts), read once. */
function loadIdf(): Map<string, number> {
  const general = generalIdf();
  medianIdf = general.median;
  return general.table;
}

let medianIdf = 10;

const FNV_PRIME = 0x01000193;

/** FNV-1a from state h: fast, stable across runs and platforms. */
function hash32(text: string, h: number): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** The hash's state after a feature's kind: "t:" for a term, "b:" for a character bigram. */
const TERM_HASH = hash32("t:", 0x811c9dc5 ^ 0);
const BIGRAM_HASH = hash32("b:", 0x811c9dc5 ^ 0);

/** hash32 of "b:" and the bigram of code units first, second. */
function hashPair(first: number, second: number): number {
  let h = Math.imul(BIGRAM_HASH ^ first, FNV_PRIME);
  h = Math.imul(h ^ second, FNV_PRIME);
  return h >>> 0;
}

/**
 * The offline default: no model, deterministic, fixed dimension, L2-normalised. A text becomes
 * a signed feature-hashed bag of jieba terms weighted by general-language IDF, plus Chinese
 * character bigrams, which catch near-synonyms that segment differently (定制性 / 定制化).
 */
export class BuiltinEmbeddings extends Embeddings {
  readonly id = `builtin:${BUILTIN_VERSION}-${BUILTIN_DIMENSION}-${VOCABULARY}`;
  readonly dimension = BUILTIN_DIMENSION;

  constructor(private readonly tokenizer: Tokenizer) {
    super({});
  }

  embedText(text: string): number[] {
    const idf = loadIdf();
    const terms = new Map<string, number>();
    for (const term of this.tokenizer.terms(text)) terms.set(term, (terms.get(term) ?? 0) + 1);
    // Bigrams by their two UTF-16 code units, never made into strings: a passage has hundreds.
    const bigrams = new Map<number, number>();
    for (const run of foldText(text).match(CJK_IDEOGRAPH_RUN) ?? []) {
      for (let i = 0; i + 1 < run.length; i++) {
        const pair = ((run.charCodeAt(i) << 16) | run.charCodeAt(i + 1)) >>> 0;
        bigrams.set(pair, (bigrams.get(pair) ?? 0) + 1);
      }
    }
    const vector = new Float64Array(BUILTIN_DIMENSION);
    const add = (h: number, weight: number) => {
      const index = h % BUILTIN_DIMENSION;
      vector[index] = (vector[index] as number) + (h & 0x80000000 ? -weight : weight);
    };
    // Terms first, then bigrams, each in the order first met: the order of the sums.
    for (const [term, tf] of terms) {
      // Latin tokens (model names) are absent from the Chinese IDF table but are highly specific.
      const specificity = idf.get(term) ?? (/[a-z0-9]/.test(term) ? medianIdf + 2 : medianIdf);
      add(hash32(term, TERM_HASH), (1 + Math.log(tf)) * specificity);
    }
    for (const [pair, tf] of bigrams) {
      const first = pair >>> 16;
      const second = pair & 0xffff;
      const specificity = pairIdf(first, second) ?? medianIdf;
      add(hashPair(first, second), (1 + Math.log(tf)) * specificity * 0.35);
    }
    let norm = 0;
    for (const v of vector) norm += v * v;
    norm = Math.sqrt(norm);
    const out = new Array<number>(BUILTIN_DIMENSION);
    for (let d = 0; d < BUILTIN_DIMENSION; d++) {
      out[d] = norm === 0 ? (vector[d] as number) : (vector[d] as number) / norm;
    }
    return out;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.embedText(t));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embedText(text);
  }
}
