import { createHash } from "node:crypto";
import { Embeddings } from "@langchain/core/embeddings";
import { CJK_IDEOGRAPH_RUN } from "../text/cjk.js";
import { generalIdf } from "../text/general-idf.js";
import { LEXICON } from "../text/lexicon.js";
import { foldText } from "../text/normalize.js";
import type { Tokenizer } from "../text/tokenizer.js";

export const BUILTIN_DIMENSION = 512;
/** hash-v3: Traditional Chinese read as Simplified (src/text/normalize.ts), bigrams included. */
const BUILTIN_VERSION = "hash-v3";
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

/** FNV-1a: fast, stable across runs and platforms. */
function hash32(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
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
    const weights = new Map<string, number>();
    const add = (feature: string, w: number) => weights.set(feature, (weights.get(feature) ?? 0) + w);
    for (const term of this.tokenizer.terms(text)) add(`t:${term}`, 1);
    for (const run of foldText(text).match(CJK_IDEOGRAPH_RUN) ?? []) {
      for (let i = 0; i + 1 < run.length; i++) add(`b:${run.slice(i, i + 2)}`, 1);
    }
    const vector = new Array<number>(BUILTIN_DIMENSION).fill(0);
    for (const [feature, tf] of weights) {
      const word = feature.slice(2);
      const isTerm = feature.startsWith("t:");
      // Latin tokens (model names) are absent from the Chinese IDF table but are highly specific.
      const specificity = idf.get(word) ?? (/[a-z0-9]/.test(word) ? medianIdf + 2 : medianIdf);
      const weight = (1 + Math.log(tf)) * specificity * (isTerm ? 1 : 0.35);
      const h = hash32(feature, 0);
      const index = h % BUILTIN_DIMENSION;
      vector[index] = (vector[index] ?? 0) + (h & 0x80000000 ? -weight : weight);
    }
    let norm = 0;
    for (const v of vector) norm += v * v;
    norm = Math.sqrt(norm);
    return norm === 0 ? vector : vector.map((v) => v / norm);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.embedText(t));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embedText(text);
  }
}
