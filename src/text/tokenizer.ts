import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import { CJK_IDEOGRAPH_RUN } from "./cjk.js";
import { englishTerm } from "./english.js";
import { LEXICON } from "./lexicon.js";
import { foldText, hasTraditional } from "./normalize.js";

export interface Tokenizer {
  /** Content terms of a text, lower-cased, stop words and punctuation removed, in order (with repeats). */
  terms(text: string): string[];
  /** Shorter dictionary words inside a compound term ("市场竞争" → 市场, 竞争). */
  subwords(term: string): string[];
}

const WORDLIKE = /[\p{L}\p{N}]/u;
/**
 * A Latin token: letters and digits, joined by the dots, hyphens and pluses that model names
 * carry ("qwen2.5-72b", "gpt-4o", "3.1", "c++"). Read whole, never by jieba, which cuts unknown
 * English words into pieces ("modify" → "mo" + "dify").
 */
const LATIN_TOKEN = /[a-z0-9]+(?:[.+\-_'][a-z0-9]+)*\+*/g;

export { englishTerm };

/**
 * jieba (with our domain dictionary) for Chinese runs, a Latin tokenizer with stemming for the
 * rest; stop words in both languages go. Loading jieba's dictionary takes ~150 ms, so one
 * instance is created lazily and shared; callers still receive it as a dependency.
 */
export function createTokenizer(extraTerms: string[] = []): Tokenizer {
  const { domainTerms, stopWords } = LEXICON;
  const jieba = Jieba.withDict(dict);
  // A high frequency makes jieba prefer the whole term over its parts.
  const userDict = [...domainTerms, ...extraTerms].map((t) => `${t.toLowerCase()} 100000 n`).join("\n");
  jieba.loadDict(Buffer.from(userDict));
  const latin = (text: string, out: string[]) => {
    for (const match of text.match(LATIN_TOKEN) ?? []) {
      // "Bard's" is Bard: the possessive is grammar, not part of the name.
      const token = match.replace(/'s$/, "");
      if (stopWords.has(token)) continue;
      out.push(englishTerm(token));
      // A compound name also stands for its parts: "qwen2.5-72b" is found by "qwen2.5".
      if (/[-_]/.test(token))
        for (const part of token.split(/[-_]/))
          if (part.length >= 2 && !stopWords.has(part)) out.push(englishTerm(part));
    }
  };
  return {
    terms(text: string): string[] {
      const folded = foldText(text);
      const runs: { start: number; end: number }[] = [];
      for (const run of folded.matchAll(CJK_IDEOGRAPH_RUN)) {
        const start = run.index ?? 0;
        runs.push({ start, end: start + run[0].length });
      }
      // One call into jieba for all the ideograph runs, a line each: it segments every run on its
      // own and returns the line breaks as tokens of their own, so the words are those of one
      // call per run. A passage has dozens of runs, and each call across to the native module
      // cost more than the segmenting (it was most of a million-passage ingest's tokenising).
      const words =
        runs.length > 0 ? jieba.cut(runs.map((r) => folded.slice(r.start, r.end)).join("\n"), true) : [];
      const out: string[] = [];
      let last = 0;
      let w = 0;
      for (const { start, end } of runs) {
        if (start > last) latin(folded.slice(last, start), out);
        for (; w < words.length && words[w] !== "\n"; w++) {
          const t = (words[w] as string).trim();
          if (t === "" || !WORDLIKE.test(t) || stopWords.has(t)) continue;
          out.push(t);
        }
        w++;
        last = end;
      }
      if (last < folded.length) latin(folded.slice(last), out);
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

/** Lines at the head of a text that suffixMemo tokenises on their own (title, headings, lead). */
const HEAD_LINES = 3;

/**
 * The tokenizer with the terms of recent texts' tails kept until clear(), so that a passage's
 * embedding text (title, headings, lead, text) and its BM25 text (headings, lead, text) are
 * segmented once for what they share. A text's terms are its lines' terms in order: nothing the
 * tokenizer reads spans a line break (ideograph runs, Latin tokens). Except where folding
 * converts traditional characters, which rewrites the whole text: such a text is tokenised
 * whole, as the tokenizer would.
 */
export function suffixMemo(tokenizer: Tokenizer): Tokenizer & { clear(): void } {
  const tails = new Map<string, string[]>();
  return {
    terms(text: string): string[] {
      if (hasTraditional(text.normalize("NFKC").toLowerCase())) return tokenizer.terms(text);
      // Where each of the first lines ends; the tails start after them.
      const breaks: number[] = [];
      for (
        let at = text.indexOf("\n");
        at >= 0 && breaks.length < HEAD_LINES;
        at = text.indexOf("\n", at + 1)
      )
        breaks.push(at);
      for (let i = 0; i < breaks.length; i++) {
        const known = tails.get(text.slice((breaks[i] as number) + 1));
        if (known) return [...tokenizer.terms(text.slice(0, breaks[i])), ...known];
      }
      // Nothing shared yet: the head lines one by one and the rest whole, each tail kept.
      let terms = tokenizer.terms(
        text.slice(breaks.length > 0 ? (breaks[breaks.length - 1] as number) + 1 : 0),
      );
      for (let i = breaks.length - 1; i >= 0; i--) {
        tails.set(text.slice((breaks[i] as number) + 1), terms);
        const from = i > 0 ? (breaks[i - 1] as number) + 1 : 0;
        terms = [...tokenizer.terms(text.slice(from, breaks[i])), ...terms];
      }
      return terms;
    },
    subwords: (term) => tokenizer.subwords(term),
    clear: () => tails.clear(),
  };
}

let shared: Tokenizer | undefined;
export function sharedTokenizer(): Tokenizer {
  shared ??= createTokenizer();
  return shared;
}
