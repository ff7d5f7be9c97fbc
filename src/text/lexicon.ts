/**
 * The project's word lists, kept as data in ./lexicon/*.json so that a reader can extend them
 * without reading code, and validated when loaded so that a typo in a file stops the program with
 * the file and the place named rather than quietly matching nothing.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { englishTerm } from "./english.js";

export type Side = "open" | "closed";

/** Open first: answers and searches list the sides in this order. */
export const SIDES: readonly Side[] = ["open", "closed"];

const word = z
  .string()
  .min(1)
  .refine((w) => w === w.trim(), "has leading or trailing spaces");
const lowerWord = word.refine(
  (w) => w === w.toLowerCase(),
  "must be lower-case (text is lower-cased before matching)",
);

const domainTermsFile = z.object({
  about: z.string().optional(),
  terms: z.array(lowerWord).min(1),
  stopWords: z.object({ zh: z.array(lowerWord), en: z.array(lowerWord) }),
});

const glossaryFile = z.object({
  about: z.string().optional(),
  glossary: z.record(lowerWord, z.array(word)),
  zhSynonyms: z.record(word, z.array(word).min(1)),
});

const sideEntry = z.object({
  /** The one Chinese word the articles use for the side. */
  word,
  /** Words that name the side in a question, in either language. */
  queryWords: z.array(lowerWord).min(1),
  /** Words that mark a sentence of a passage as speaking for the side, in either language. */
  textWords: z.array(lowerWord).min(1),
  labels: z.object({ zh: word, en: word }),
});

const aspectsFile = z.object({
  about: z.string().optional(),
  aspects: z.array(z.object({ zh: word, en: word })).min(1),
});

const familiesFile = z.object({
  about: z.string().optional(),
  open: z.array(lowerWord),
  closed: z.array(lowerWord),
});

const sidesFile = z
  .object({ about: z.string().optional(), open: sideEntry, closed: sideEntry })
  .refine((s) => s.open.word !== s.closed.word, "the two sides need different words");

const genericWordsFile = z.object({ about: z.string().optional(), words: z.array(lowerWord) });

export type SideWords = z.infer<typeof sideEntry>;

export interface Lexicon {
  /** Kept whole by the tokenizer (jieba user dictionary), in file order. */
  domainTerms: string[];
  /** Chinese first, then English, in file order. */
  stopWords: Set<string>;
  /** English question word → Chinese corpus terms; [] marks a word that is no concept. */
  glossary: Record<string, string[]>;
  /** Chinese question word → the articles' other wordings. */
  zhSynonyms: Record<string, string[]>;
  sides: Record<Side, SideWords>;
  /** Words every article is about; never a concept of a question. */
  genericWords: Set<string>;
  /** Question words and fillers ("到底", "分别", "explain"); never a concept of a question. */
  questionWords: Set<string>;
  /** Model families and products whose side is known (LLaMA: open; 文心一言: closed). */
  families: Record<Side, string[]>;
  /** Aspects a general comparison is answered on, in order (成本 / cost …). */
  aspects: Array<{ zh: string; en: string }>;
  /** Words naming code or its parts (代码, 字段, snippet): a question with one asks about code. */
  codeWords: string[];
}

export class LexiconError extends Error {
  constructor(file: string, problems: string[]) {
    super(`word list ${file} is malformed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "LexiconError";
  }
}

function readList<S extends z.ZodTypeAny>(dir: string, file: string, schema: S): z.infer<S> {
  const at = `${dir}/${file}`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(at, "utf8"));
  } catch (err) {
    throw new LexiconError(at, [(err as Error).message]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new LexiconError(
      at,
      parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`),
    );
  }
  return parsed.data;
}

/** stopwords-iso's lists (JSON, language code → words), for Chinese and English. */
const ISO_STOP_WORDS = createRequire(import.meta.url)("stopwords-iso") as Record<
  string,
  string[] | undefined
>;

export const LEXICON_DIR = fileURLToPath(new URL("./lexicon", import.meta.url));

/** Read and validate every list in `dir`; throws LexiconError naming the file and the entries at fault. */
export function loadLexicon(dir: string = LEXICON_DIR): Lexicon {
  const domain = readList(dir, "domain-terms.json", domainTermsFile);
  const glossary = readList(dir, "glossary.json", glossaryFile);
  const sides = readList(dir, "sides.json", sidesFile);
  const generic = readList(dir, "generic-words.json", genericWordsFile);
  const questionWords = readList(dir, "question-words.json", genericWordsFile);
  const families = readList(dir, "model-families.json", familiesFile);
  const aspects = readList(dir, "aspects.json", aspectsFile);
  const codeWords = readList(dir, "code-words.json", genericWordsFile);
  // The maintained general lists (stopwords-iso) plus ours, except words this domain needs:
  // "open" is an English stop word and a side of the debate here.
  const needed = new Set([
    ...domain.terms,
    ...Object.keys(glossary.glossary).filter((k) => (glossary.glossary[k] ?? []).length > 0),
    ...sides.open.queryWords,
    ...sides.closed.queryWords,
  ]);
  const general = [...(ISO_STOP_WORDS.zh ?? []), ...(ISO_STOP_WORDS.en ?? [])].map((w) => w.toLowerCase());
  return {
    domainTerms: domain.terms,
    stopWords: new Set(
      [...domain.stopWords.zh, ...domain.stopWords.en, ...general].filter((w) => !needed.has(w)),
    ),
    glossary: glossary.glossary,
    zhSynonyms: glossary.zhSynonyms,
    sides: { open: sides.open, closed: sides.closed },
    genericWords: new Set(generic.words),
    questionWords: new Set(questionWords.words),
    families: { open: families.open, closed: families.closed },
    aspects: aspects.aspects,
    codeWords: codeWords.words,
  };
}

/** The lists shipped with the project, read once at start-up. */
export const LEXICON: Lexicon = loadLexicon();

const glossaryByTerm = new Map<string, string[]>();
for (const [key, translations] of Object.entries(LEXICON.glossary)) {
  const term = englishTerm(key);
  glossaryByTerm.set(term, [...new Set([...(glossaryByTerm.get(term) ?? []), ...translations])]);
}

/**
 * The glossary's translations of a question term as the tokenizer gives it (stemmed:
 * "licens" for licence, licenses, licensing); undefined for a word the glossary does not know,
 * [] for a word it marks as no concept.
 */
export function glossaryFor(term: string): string[] | undefined {
  return LEXICON.glossary[term] ?? glossaryByTerm.get(term);
}

/** The canonical Chinese word of a side ("开源"). */
export function sideWord(side: Side, lexicon: Lexicon = LEXICON): string {
  return lexicon.sides[side].word;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** "开源|闭源": the sides' words as a regular-expression alternation, for patterns built around them. */
export function sideWordPattern(lexicon: Lexicon = LEXICON): string {
  return SIDES.map((side) => escapeRegExp(lexicon.sides[side].word)).join("|");
}
