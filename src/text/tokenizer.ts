import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import { LEXICON } from "./lexicon.js";
import { foldText } from "./normalize.js";

export interface Tokenizer {
  /** Content terms of a text, lower-cased, stop words and punctuation removed, in order (with repeats). */
  terms(text: string): string[];
  /** Shorter dictionary words inside a compound term ("市场竞争" → 市场, 竞争). */
  subwords(term: string): string[];
}

const WORDLIKE = /[\p{L}\p{N}]/u;

/**
 * jieba with our domain dictionary. Loading the dictionary takes ~150 ms, so one instance is
 * created lazily and shared; callers still receive it as a dependency.
 */
export function createTokenizer(extraTerms: string[] = []): Tokenizer {
  const { domainTerms, stopWords } = LEXICON;
  const jieba = Jieba.withDict(dict);
  // A high frequency makes jieba prefer the whole term over its parts.
  const userDict = [...domainTerms, ...extraTerms].map((t) => `${t.toLowerCase()} 100000 n`).join("\n");
  jieba.loadDict(Buffer.from(userDict));
  return {
    terms(text: string): string[] {
      const lowered = foldText(text);
      const out: string[] = [];
      for (const raw of jieba.cut(lowered, true)) {
        const t = raw.trim();
        if (t === "" || !WORDLIKE.test(t) || stopWords.has(t)) continue;
        out.push(t);
      }
      return out;
    },
    subwords(term: string): string[] {
      const lowered = term.toLowerCase();
      return [...new Set(jieba.cutAll(lowered))].filter(
        (w) => w !== lowered && w.length >= 2 && !stopWords.has(w),
      );
    },
  };
}

let shared: Tokenizer | undefined;
export function sharedTokenizer(): Tokenizer {
  shared ??= createTokenizer();
  return shared;
}
