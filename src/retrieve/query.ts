import type { Bridge } from "../text/bridge.js";
import { CJK_IDEOGRAPH } from "../text/cjk.js";
import { englishTerm, hyphenatedStem } from "../text/english.js";
import { isGuessedCut } from "../text/general-idf.js";
import { detectLanguage } from "../text/language.js";
import { glossaryFor, LEXICON, SIDES, type Side, sideWord, sideWordPattern } from "../text/lexicon.js";
import type { Tokenizer } from "../text/tokenizer.js";
import type { ConversationTurn, Language } from "../types.js";

export type { Side };

/** A concept the question asks about: the word as asked, and the corpus terms that express it. */
export interface QueryTerm {
  surface: string;
  /** A proper name (model, product, place): if the articles never mention it, they do not cover the question. */
  name: boolean;
  /** Any one of these expresses the concept. */
  alternatives: string[];
  /** Parts of a compound; all of them together also express it ("技术垄断" ≈ 技术 + 垄断). */
  parts: string[];
  /** Counts only where the articles use it (an English word outside the glossary). */
  soft?: boolean;
}

export interface QueryAnalysis {
  question: string;
  language: Language;
  /** Content concepts, side words and generic words excluded. */
  concepts: QueryTerm[];
  /** Every corpus term to search for (concepts' alternatives plus side words). */
  searchTerms: string[];
  /** Text handed to the dense embedder. */
  denseText: string;
  /** Sides the question names. */
  sides: Side[];
  /** Whether the answer should set the two sides against each other. */
  comparison: boolean;
  /** A question listing things ("有哪些…", "what are…"). */
  listing: boolean;
  /** The question asks for a number ("多少参数", "how long"): sentences with figures answer it. */
  asksQuantity: boolean;
  /** The question asks about code (a snippet, a config, a field): only then is code quoted. */
  asksCode: boolean;
  /** "文心一言是开源还是闭源的？": what the question asks the side of, as written. */
  classifies?: string;
}

const { zhSynonyms: ZH_SYNONYMS } = LEXICON;
const DOMAIN_TERMS = new Set(LEXICON.domainTerms.map((t) => t.toLowerCase()));
/** Generic and side words as the tokenizer gives them (stemmed), so the stems are skipped too. */
const GENERIC = new Set(
  [...LEXICON.genericWords, ...LEXICON.questionWords].flatMap((w) => [w, englishTerm(w)]),
);
const SIDE_WORDS = sideWordPattern();
/** The sides' question words as the tokenizer gives them. */
const SIDE_TERMS = new Set(
  SIDES.flatMap((side) => LEXICON.sides[side].queryWords).flatMap((w) => [w, englishTerm(w)]),
);
/** Words that set two things against each other whatever else the question says. */
const EXPLICIT_COMPARISON =
  /(区别|不同|差异|差别|对比|比较|相比|优劣|\bvs\.?\b|versus|differ|compare|comparison)/i;
/** A comparative weighs what it names against the other side: "开源模型更便宜吗". */
const COMPARATIVE = /(更好|更便宜|更贵|更安全|更适合|更强|better|worse|cheaper|safer)/i;
/**
 * "Which"/"哪个" compares only two things the question names ("GPT-4 和 LLaMA 哪个好"); with one
 * side or none it picks among many ("which licences…", "用的是哪个接口地址").
 */
const WHICH = /(哪个|哪一个|哪种|哪类|哪一方|\bwhich\b)/i;
/** "文心一言是开源还是闭源的？" asks which side something is on, not how the sides differ. */
const CLASSIFY = new RegExp(
  `是(${SIDE_WORDS})的?还是(${SIDE_WORDS})|\\bis\\b.+\\b(open|closed)[- ]source\\b.*\\bor\\b`,
  "i",
);
/** Where the subject of such a question sits: before 是…还是…, or between "is" and "open/closed". */
const CLASSIFIED_ZH = new RegExp(
  `^(?:请问|那么?|我想知道|想问一下)?[，,\\s]*(.+?)(?:到底|究竟)?是(?:${SIDE_WORDS})的?还是`,
);
const CLASSIFIED_EN = /\bis\s+(?:the\s+)?(.+?)\s+(?:an?\s+)?(?:open|closed)[- ]source\b/i;
/**
 * "在开源和闭源之间做选择要考虑什么？" asks how to decide between the sides: what the articles
 * say about deciding (数据能否交给第三方, 调用量是否稳定…) is one list, mostly about neither side.
 */
const CHOICE =
  /(之间|两者|二者)[^，,。？?]{0,4}(选择|抉择|取舍|选型)|选[^，,。？?]{0,6}还是[^，,。？?]{0,3}选|\b(choos(e|ing)|decid(e|ing)|pick(ing)?)\b[^?.]{0,40}\bbetween\b/i;
/** "What do both face?" asks what the sides share: one list, not two columns. */
const JOINT = /(共同|共有|共通|都面临|都需要|两者都|二者都|\bboth\b|in common|shared by)/i;
/**
 * In a question about what the sides share, the words saying so are the question's shape, not
 * its subject: "共同挑战" asks about 挑战, and a passage need not say 共同 to list what both face.
 */
const JOINT_WORDS = new Set(["共同", "共有", "共通", "both", "common", "share", "shared"].map(englishTerm));
const QUANTITY =
  /(多少|几[个种款年月天次倍位项]|多大|多长|多久|多高|多快|多贵|多少钱|规模|参数量|how (many|much|long|large|big|fast|old)|what year|\bwhen\b)/i;
/** Chinese code words anywhere ("示例代码里"), Latin ones as whole words ("key", not "keys" of "monkeys"). */
const CODE = new RegExp(
  LEXICON.codeWords.map((w) => (CJK_IDEOGRAPH.test(w) ? w : `\\b${w}s?\\b`)).join("|"),
  "i",
);
const CODE_WORDS = new Set(LEXICON.codeWords.flatMap((w) => [w, englishTerm(w)]));
const LISTING = /(哪些|有什么|列举|几个|几点|几种|what are|list|which)/i;
const FOLLOW_UP =
  /^(那|那么|还有|另外|而|如果是|至于|and\b|what about|how about|and what|then\b)|[呢吗]？?\??$|\b(it|they|them|that|those|this)\b/i;

function sidesIn(text: string): Side[] {
  const lower = text.toLowerCase();
  // Latin side words must stand alone: "OpenAI" is a company, not the open side.
  const mentions = (t: string) =>
    CJK_IDEOGRAPH.test(t) ? lower.includes(t) : new RegExp(`(^|[^a-z])${t}([^a-z]|$)`).test(lower);
  return SIDES.filter((side) => LEXICON.sides[side].queryWords.some(mentions));
}

/**
 * Latin words that name something: in a Chinese question every Latin word does (GPT-5, Docker);
 * in an English one, words shaped like names do (GPT-4o, DeepSeek, OSI, iPhone).
 */
function namesIn(question: string, language: Language): Set<string> {
  const names = new Set<string>();
  const found = [...question.matchAll(/[A-Za-z][A-Za-z0-9.+-]*[A-Za-z0-9]|[A-Za-z]/g)];
  const words = found.map((m) => m[0]);
  // Only spaces (and a version number: "Claude 3.5 Sonnet") between a word and the one before
  // it, no comma or "and": one phrase.
  const adjacent = (i: number) => {
    const prev = found[i - 1];
    const at = found[i]?.index ?? 0;
    return (
      prev !== undefined && /^(\s+[\d.]+)*\s+$/.test(question.slice((prev.index ?? 0) + prev[0].length, at))
    );
  };
  const known = (w: string) => {
    const term = englishTerm(w.toLowerCase());
    return glossaryFor(term) !== undefined || GENERIC.has(term) || GENERIC.has(w.toLowerCase());
  };
  // A run of three or more capitalised words made mostly of words the glossary knows is a
  // title ("Open Source AI Definition"), not a row of product names ("Docker Compose").
  const titleCase = new Set<number>();
  for (let i = 0; i < words.length; ) {
    let end = i;
    while (end < words.length && /^[A-Z]/.test(words[end] ?? "")) end++;
    const run = words.slice(i, end);
    if (run.length >= 3 && run.filter(known).length * 2 >= run.length)
      for (let k = i; k < end; k++) titleCase.add(k);
    i = Math.max(end, i + 1);
  }
  let previousIsName = false;
  words.forEach((w, i) => {
    const term = englishTerm(w.toLowerCase());
    // A capitalised word right after a name goes on with it ("MacBook Pro", "Claude 3.5
    // Sonnet", "GPT-4 Turbo"), even one the glossary knows: "Pro" there is not 优点.
    const continuesName =
      previousIsName &&
      /^[A-Z0-9]/.test(w) &&
      adjacent(i) &&
      !GENERIC.has(term) &&
      !SIDE_TERMS.has(term) &&
      !SIDE_TERMS.has(w.toLowerCase());
    previousIsName = false;
    if (known(w) && !continuesName) return;
    const nameShaped = /\d/.test(w) || /[A-Z].*[A-Z]/.test(w);
    if (
      continuesName ||
      language === "zh" ||
      nameShaped ||
      (i > 0 && /^[A-Z]/.test(w) && !titleCase.has(i))
    ) {
      names.add(term);
      previousIsName = true;
    }
  });
  return names;
}

/**
 * `bridge`: the index's English ↔ Chinese words (src/text/bridge.ts), for the words the curated
 * glossary does not know; without it only the glossary translates.
 */
function classifiedSubject(question: string): { classifies?: string } {
  if (!CLASSIFY.test(question)) return {};
  const subject = (CLASSIFIED_ZH.exec(question) ?? CLASSIFIED_EN.exec(question))?.[1]?.trim();
  return subject ? { classifies: subject } : {};
}

export function analyseQuestion(question: string, tokenizer: Tokenizer, bridge?: Bridge): QueryAnalysis {
  const language = detectLanguage(question);
  const concepts: QueryTerm[] = [];
  const seen = new Set<string>();
  const sideWords = SIDE_TERMS;
  // English compounds the tokenizer would split: keep them as one concept.
  const normalised = question
    .replace(/open[\s-]source(d)?/gi, "open-source")
    .replace(/closed[\s-]source(d)?/gi, "closed-source");
  // Names are read from the question as typed: the compounding above lower-cases "Open Source".
  const names = namesIn(question, language);
  const asksCode = CODE.test(question);
  const joint = JOINT.test(question);
  const terms = tokenizer.terms(normalised);
  // The tokenizer follows a compound name with its parts ("gpt-5", "gpt"): the parts belong to
  // the name's concept, never a concept of their own ("GPT-5" is not known because "GPT" is).
  const compoundParts = new Map<string, string[]>();
  // The tokenizer follows a hyphenated word with its stemmed form ("self-hosted", "self-host"):
  // the same concept, written the way passages may have it.
  const stemmedForms = new Map<string, string>();
  for (const term of terms) {
    const stemmed = hyphenatedStem(term);
    if (stemmed) stemmedForms.set(term, stemmed);
  }
  const isStemmedForm = new Set(stemmedForms.values());
  for (const term of terms) {
    if (!/[-_]/.test(term) || CJK_IDEOGRAPH.test(term) || isStemmedForm.has(term)) continue;
    const parts = term
      .split(/[-_]/)
      .map(englishTerm)
      .filter((p) => p.length >= 2);
    compoundParts.set(term, parts);
    for (const part of parts) seen.add(part);
  }
  for (const term of terms) {
    if (isStemmedForm.has(term)) continue;
    if ((seen.has(term) && !compoundParts.has(term)) || GENERIC.has(term) || sideWords.has(term)) continue;
    if (joint && JOINT_WORDS.has(term)) continue;
    if (concepts.some((c) => c.surface === term)) continue;
    // A lone Chinese character ("做", "选", "流") is too ambiguous to stand for a concept.
    if (term.length === 1 && CJK_IDEOGRAPH.test(term)) continue;
    seen.add(term);
    // A glossary word inside a name is the name's ("MacBook Pro"): namesIn keeps it only there.
    const translated = names.has(term) ? undefined : glossaryFor(term);
    if (translated && translated.length === 0) continue;
    const isName = names.has(term) || [...names].some((n) => n.includes(term) && /[a-z]/.test(term));
    // The curated glossary first; the dictionary bridge for what it does not know (and for
    // Chinese words, their English in English passages).
    // Never a side word: 透明度 → "open" would make every passage that names the
    // open side look like it speaks of transparency.
    const bridged = bridge && !translated ? bridge.translations(term).filter((t) => !SIDE_TERMS.has(t)) : [];
    const stemmed = stemmedForms.get(term);
    const alternatives = [
      term,
      ...(stemmed ? [stemmed] : []),
      ...(translated ?? []),
      ...(ZH_SYNONYMS[term] ?? []),
      ...bridged,
    ];
    const parts =
      compoundParts.get(term) ??
      (CJK_IDEOGRAPH.test(term) && term.length >= 3 ? tokenizer.subwords(term) : []);
    concepts.push({
      surface: term,
      name: isName && !CJK_IDEOGRAPH.test(term),
      alternatives: [...new Set(alternatives)],
      parts,
      // An English word that is neither a name nor in the glossary ("spend", "routing") is
      // searched for and counts when the articles use it; when they never do, it is phrasing,
      // not a sign that the question is off-topic.
      // In a question about code, a word for its form ("字段", "字典") is soft the same way.
      // So is a "word" jieba guessed from common characters (会靠, 比调): a cut, not a subject.
      ...((!translated &&
        bridged.length === 0 &&
        !isName &&
        !CJK_IDEOGRAPH.test(term) &&
        !bridge?.isUntranslated(term)) ||
      (asksCode && CODE_WORDS.has(term)) ||
      (CJK_IDEOGRAPH.test(term) && !DOMAIN_TERMS.has(term) && isGuessedCut(term))
        ? { soft: true }
        : {}),
    });
  }
  const sides = sidesIn(normalised);
  const explicit =
    EXPLICIT_COMPARISON.test(question) ||
    sides.length === 2 ||
    ((sides.length === 1 || names.size >= 2) && COMPARATIVE.test(question)) ||
    (names.size >= 2 && WHICH.test(question));
  // One side named ("闭源大模型有哪些优势？") asks about that side: one column, not two. Only an
  // explicit comparison word or both sides make it a comparison.
  const sideTerms = sides.map((s) => sideWord(s));
  const searchTerms = [...new Set([...concepts.flatMap((c) => c.alternatives), ...sideTerms])];
  const translations = concepts.flatMap((c) => c.alternatives.filter((a) => a !== c.surface));
  const denseText = [question, ...sideTerms, ...translations].join(" ");
  return {
    question,
    language,
    concepts,
    searchTerms,
    denseText,
    sides,
    comparison: explicit && !joint && !CHOICE.test(question) && !CLASSIFY.test(question),
    ...classifiedSubject(question),
    listing: LISTING.test(question),
    asksQuantity: QUANTITY.test(question),
    asksCode,
  };
}

/**
 * "请比较开源与闭源大模型", "compare open and closed models": both sides, a comparison, and no
 * aspect — the whole debate is asked about, so it is answered as an overview of the aspects.
 */
export function isGeneralComparison(analysis: QueryAnalysis): boolean {
  return analysis.comparison && analysis.sides.length === 2 && analysis.concepts.length === 0;
}

/**
 * A follow-up ("那安全性呢？", "what about cost?") leans on the previous question for what it
 * leaves out. Without a model, rewriting means carrying over the sides and the named subjects
 * of the last question and keeping the follow-up's own topic; the result is a standalone question.
 */
export function rewriteFollowUp(
  question: string,
  history: ConversationTurn[] | undefined,
  tokenizer: Tokenizer,
): string {
  const previous = [...(history ?? [])]
    .reverse()
    .find((t) => t.role === "user")
    ?.content.trim();
  if (!previous) return question;
  const current = analyseQuestion(question, tokenizer);
  const looksDependent = FOLLOW_UP.test(question.trim()) || current.concepts.length <= 1;
  if (!looksDependent) return question;
  const before = analyseQuestion(previous, tokenizer);
  const carried: string[] = [];
  if (current.sides.length === 0 && before.sides.length > 0) {
    carried.push(
      current.language === "zh"
        ? before.sides.map((s) => sideWord(s)).join("和")
        : before.sides.map((s) => `${s}-source`).join(" and "),
    );
  }
  // Named subjects (model names, Latin terms) the follow-up does not repeat.
  const names = before.concepts
    .map((c) => c.surface)
    .filter((s) => /[a-z0-9]/.test(s) && !glossaryFor(s) && !question.toLowerCase().includes(s));
  carried.push(...names);
  if (carried.length === 0) return question;
  const subject = carried.join(" ");
  const q = question.trim();
  if (current.language === "zh") {
    if (/它们?|这个模型|该模型|这些模型/.test(q)) return q.replace(/它们?|这个模型|该模型|这些模型/, subject);
    const topic = q.replace(/^(那么?|还有|另外|至于|那如果是)/, "").replace(/[呢吗]?[？?]?$/, "");
    if (topic.length <= 10) return `${subject}在${topic}方面${before.comparison ? "有什么区别" : "怎么样"}？`;
    return `${subject} ${q}`;
  }
  if (/\b(it|they|them|its|their)\b/i.test(q)) return q.replace(/\b(it|they|them)\b/i, subject);
  const topic = q.replace(/^(and\s+|what about\s+|how about\s+|and what about\s+)/i, "").replace(/\?$/, "");
  if (topic.split(/\s+/).length <= 4) {
    return before.comparison
      ? `How do ${subject} compare on ${topic}?`
      : `What about ${topic} for ${subject}?`;
  }
  return `${subject}: ${q}`;
}
