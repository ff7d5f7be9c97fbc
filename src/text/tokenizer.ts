import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import { CJK_IDEOGRAPH_RUN } from "./cjk.js";
import { englishTerm, hyphenatedStem } from "./english.js";
import { LEXICON } from "./lexicon.js";
import { foldText, hasTraditional } from "./normalize.js";

export interface Tokenizer {
  /** Content terms of a text, lower-cased, stop words and punctuation removed, in order (with repeats). */
  terms(text: string): string[];
  /** Shorter dictionary words inside a compound term ("市场竞争" → 市场, 竞争). */
  subwords(term: string): string[];
}

/** A tokenizer that also segments many texts at once: `termsOfEach(texts)` is `texts.map(terms)`. */
export interface BatchTokenizer extends Tokenizer {
  termsOfEach(texts: readonly string[]): string[][];
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
export function createTokenizer(extraTerms: string[] = []): BatchTokenizer {
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
      if (!/[-_]/.test(token)) continue;
      const stemmed = hyphenatedStem(token);
      if (stemmed) out.push(stemmed);
      // A compound name also stands for its parts: "qwen2.5-72b" is found by "qwen2.5".
      for (const part of token.split(/[-_]/))
        if (part.length >= 2 && !stopWords.has(part)) out.push(englishTerm(part));
    }
  };
  /** Each text's terms, for any number of texts, with one call into jieba for all of them. */
  const termsOfEach = (texts: readonly string[]): string[][] => {
    const folded = texts.map(foldText);
    const runs = folded.map((text) => {
      const spans: { start: number; end: number }[] = [];
      for (const run of text.matchAll(CJK_IDEOGRAPH_RUN)) {
        const start = run.index ?? 0;
        spans.push({ start, end: start + run[0].length });
      }
      return spans;
    });
    // One call into jieba for all the ideograph runs, a line each: it segments every run on its
    // own and returns the line breaks as tokens of their own, so the words are those of one
    // call per run. A passage has dozens of runs, and each call across to the native module
    // cost more than the segmenting (it was most of a million-passage ingest's tokenising).
    const pieces: string[] = [];
    folded.forEach((text, i) => {
      for (const { start, end } of runs[i] as { start: number; end: number }[])
        pieces.push(text.slice(start, end));
    });
    const words = pieces.length > 0 ? jieba.cut(pieces.join("\n"), true) : [];
    let w = 0;
    return folded.map((text, i) => {
      const out: string[] = [];
      let last = 0;
      for (const { start, end } of runs[i] as { start: number; end: number }[]) {
        if (start > last) latin(text.slice(last, start), out);
        for (; w < words.length && words[w] !== "\n"; w++) {
          const t = (words[w] as string).trim();
          if (t === "" || !WORDLIKE.test(t) || stopWords.has(t)) continue;
          out.push(t);
        }
        w++;
        last = end;
      }
      if (last < text.length) latin(text.slice(last), out);
      return out;
    });
  };
  return {
    terms: (text: string): string[] => termsOfEach([text])[0] as string[],
    termsOfEach,
    subwords(term: string): string[] {
      const lowered = term.toLowerCase();
      return [...new Set(jieba.cutAll(lowered))].filter(
        (w) => w !== lowered && w.length >= 2 && !stopWords.has(w),
      );
    },
  };
}

/**
 * The tokenizer with the terms of a batch's lines kept until clear(): `prepare(texts)` segments
 * every distinct line of the texts in one call, and `terms` then puts a text's terms together
 * from its lines'. A passage's embedding text (title, headings, lead, text) and its BM25 text
 * (headings, lead, text) share most of their lines, and neighbouring passages their title and
 * headings; each native call also costs more than a short line's segmenting. A text's terms are
 * its lines' terms in order: nothing the tokenizer reads spans a line break (ideograph runs,
 * Latin tokens). Except where folding converts traditional characters, which rewrites the
 * whole text: such a text is tokenised whole, as the tokenizer would.
 */
export function lineMemo(tokenizer: BatchTokenizer): Tokenizer & {
  prepare(texts: readonly string[]): void;
  clear(): void;
} {
  /** A line's terms, or null for a line with a character folding converts. */
  const lines = new Map<string, string[] | null>();
  const learn = (texts: readonly string[]) => {
    const fresh = new Set<string>();
    for (const text of texts) for (const line of text.split("\n")) if (!lines.has(line)) fresh.add(line);
    const plain: string[] = [];
    for (const line of fresh) {
      if (hasTraditional(line.normalize("NFKC").toLowerCase())) lines.set(line, null);
      else plain.push(line);
    }
    if (plain.length === 0) return;
    const terms = tokenizer.termsOfEach(plain);
    for (let i = 0; i < plain.length; i++) lines.set(plain[i] as string, terms[i] as string[]);
  };
  return {
    prepare: learn,
    terms(text: string): string[] {
      const parts = text.split("\n");
      if (parts.some((line) => !lines.has(line))) learn([text]);
      const out: string[] = [];
      for (const line of parts) {
        const terms = lines.get(line);
        if (!terms) return tokenizer.terms(text);
        for (const term of terms) out.push(term);
      }
      return out;
    },
    subwords: (term) => tokenizer.subwords(term),
    clear: () => lines.clear(),
  };
}

let shared: BatchTokenizer | undefined;
export function sharedTokenizer(): BatchTokenizer {
  shared ??= createTokenizer();
  return shared;
}
