import { analyseQuestion } from "../retrieve/query.js";
import { expressesConcept } from "../text/concepts.js";
import { foldText } from "../text/normalize.js";
import type { Tokenizer } from "../text/tokenizer.js";

/**
 * Whether a passage supports a sentence, by lexical overlap of the sentence's concepts (with the
 * glossary's translations, so an English sentence can be checked against a Chinese passage).
 * Deliberately lenient: it catches citations to a passage about something else, not paraphrase.
 */
export function supportShare(sentence: string, passage: string, tokenizer: Tokenizer): number | null {
  const concepts = analyseQuestion(sentence, tokenizer).concepts;
  if (concepts.length < 2) return null;
  const target = { terms: new Set(tokenizer.terms(passage)), text: foldText(passage) };
  const hits = concepts.filter((c) => expressesConcept(c, target));
  return hits.length / concepts.length;
}

export const MIN_SUPPORT = 0.3;

/** Why a passage does not support a sentence; null when it does. */
export type SupportFailure =
  | "number-not-in-source"
  | "name-not-in-source"
  | "contradicts-source"
  | "low-overlap"
  | "nothing-checkable";

export interface SupportVerdict {
  supported: boolean;
  reason: SupportFailure | null;
  /** Share of the sentence's concepts the passage expresses (null: the sentence has none). */
  share: number | null;
}

/**
 * Model names with a digit (gpt-5, qwen2.5, llama-2-7b): the tokenizer may cut them into a word
 * and a number, and "gpt" alone would then match a passage about GPT-4.
 */
const VERSIONED_NAME = /[a-z][a-z0-9]*(?:[.\-+_:]?[a-z0-9]+)*/g;
const NUMBER = /\d+(?:\.\d+)?/g;

/**
 * Words of one polarity and their opposites. A sentence asserting one side while its passage
 * says only the other (about the same subject) is a contradiction, not a paraphrase.
 */
const POLAR_GROUPS: Array<{ name: string; poles: [string[], string[]] }> = [
  {
    name: "cost",
    poles: [
      ["免费", "零成本", "无需付费", "不用付费", "不要钱", "free of charge", "for free", "free"],
      ["收费", "付费", "计费", "订阅费", "使用费", "许可费", "许可证费", "paid", "charge", "expensive"],
    ],
  },
  {
    name: "openness",
    poles: [
      ["开源", "开放源代码", "开放权重", "open-source", "open source", "open weights"],
      ["闭源", "不开源", "专有", "closed-source", "closed source", "proprietary"],
    ],
  },
];
/** A negation just before a polar word turns it around: 不收费 is free, "not free" is paid. */
const NEGATION_BEFORE = /(不|没|没有|无|非|未|并非|不是|not|no|never|isn't|aren't)\s*$/i;
const SIDE_ANCHORS = ["开源", "闭源"];

function isLatin(word: string): boolean {
  return /^[a-z]/.test(word);
}

/** Whether `word` occurs in folded `text`, as a whole token when it is Latin. */
function occurs(word: string, text: string): boolean {
  if (!isLatin(word)) return text.includes(word);
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`).test(text);
}

/** The poles (0, 1) a folded text asserts for one group, with negations applied. */
function polesIn(text: string, poles: [string[], string[]]): Set<0 | 1> {
  const matches: Array<{ start: number; end: number; pole: 0 | 1 }> = [];
  poles.forEach((words, pole) => {
    for (const w of words) {
      for (let at = text.indexOf(w); at >= 0; at = text.indexOf(w, at + 1)) {
        const end = at + w.length;
        // "free" inside "freedom" is not the word.
        if (isLatin(w) && (/[a-z]/.test(text[at - 1] ?? "") || /[a-z]/.test(text[end] ?? ""))) continue;
        matches.push({ start: at, end, pole: pole as 0 | 1 });
      }
    }
  });
  const found = new Set<0 | 1>();
  for (const m of matches) {
    // 付费 inside 无需付费, 开源 inside 不开源: the longer listed word decides.
    const inside = matches.some(
      (o) => o !== m && o.start <= m.start && o.end >= m.end && o.end - o.start > m.end - m.start,
    );
    if (inside) continue;
    const negated = NEGATION_BEFORE.test(text.slice(Math.max(0, m.start - 8), m.start));
    found.add((negated ? 1 - m.pole : m.pole) as 0 | 1);
  }
  return found;
}

/** Passage sentences that mention an anchor (or all of it when there are no anchors). */
function anchoredParts(passage: string, anchors: string[]): string[] {
  if (anchors.length === 0) return [passage];
  return passage.split(/[。！？!?；;\n]/).filter((part) => anchors.some((a) => occurs(a, part)));
}

function contradicts(sentence: string, passage: string, names: string[]): boolean {
  for (const { name, poles } of POLAR_GROUPS) {
    const claimed = polesIn(sentence, poles);
    if (claimed.size !== 1) continue;
    const pole = [...claimed][0] as 0 | 1;
    // "开源模型…" citing a passage on closed models is off-topic, not contradicted; whether a named
    // model is open or closed is a fact a passage can contradict.
    if (name === "openness" && names.length === 0) continue;
    const anchors = name === "cost" ? [...names, ...SIDE_ANCHORS.filter((s) => sentence.includes(s))] : names;
    const said = new Set<0 | 1>();
    for (const part of anchoredParts(passage, anchors)) for (const p of polesIn(part, poles)) said.add(p);
    if (said.has((1 - pole) as 0 | 1) && !said.has(pole)) return true;
  }
  return false;
}

/** CJK character bigrams: the overlap measure for a sentence with no concept the lexicon knows. */
function bigramShare(sentence: string, passage: string): number | null {
  const han = sentence.match(/\p{Script=Han}+/gu) ?? [];
  const grams = new Set<string>();
  for (const run of han) for (let i = 0; i + 1 < run.length; i++) grams.add(run.slice(i, i + 2));
  if (grams.size === 0) return null;
  let hits = 0;
  for (const g of grams) if (passage.includes(g)) hits++;
  return hits / grams.size;
}

/**
 * Whether a passage supports one sentence of a model's answer. Stricter than supportShare, which
 * only asks whether a citation points at a passage on the same topic: every number and versioned
 * name in the sentence must be in the passage, a polar claim (免费/收费, 开源/闭源) must not be
 * the opposite of what the passage says about the same subject, and enough of the sentence's
 * concepts (through the glossary for English) must be there. Short sentences are checked too.
 */
export function assessSupport(sentence: string, passage: string, tokenizer: Tokenizer): SupportVerdict {
  const claim = foldText(sentence)
    .replace(/\[\d+\]/g, " ")
    .replace(/^\s*(?:[-*•]|\d+[.、)])\s+/, "")
    .replace(/(\d),(?=\d{3})/g, "$1");
  const source = foldText(passage).replace(/(\d),(?=\d{3})/g, "$1");
  const fail = (reason: SupportFailure, share: number | null = null): SupportVerdict => ({
    supported: false,
    reason,
    share,
  });

  const versioned = (claim.match(VERSIONED_NAME) ?? []).filter((w) => /\d/.test(w));
  for (const name of versioned) if (!occurs(name, source)) return fail("name-not-in-source");
  const withoutNames = versioned.reduce((text, name) => text.split(name).join(" "), claim);
  for (const n of withoutNames.match(NUMBER) ?? []) {
    if (!new RegExp(`(^|[^\\d.])${n.replace(".", "\\.")}($|[^\\d])`).test(source)) {
      return fail("number-not-in-source");
    }
  }

  const concepts = analyseQuestion(sentence.replace(/\[\d+\]/g, " "), tokenizer).concepts;
  const target = { terms: new Set(tokenizer.terms(passage)), text: source };
  const names = concepts.filter((c) => c.name);
  for (const c of names) if (!expressesConcept(c, target)) return fail("name-not-in-source");
  const nameWords = [...versioned, ...names.map((c) => c.surface)];
  if (contradicts(claim, source, nameWords)) return fail("contradicts-source");

  if (concepts.length > 0) {
    const share = concepts.filter((c) => expressesConcept(c, target)).length / concepts.length;
    // One or two concepts: one of them is not enough evidence of a whole claim.
    const needed = concepts.length <= 2 ? Math.min(1, concepts.length) : MIN_SUPPORT;
    const ok = concepts.length === 2 ? share >= 0.5 : share >= needed;
    return ok ? { supported: true, reason: null, share } : fail("low-overlap", share);
  }
  const grams = bigramShare(claim, source);
  if (grams !== null) {
    return grams >= MIN_SUPPORT
      ? { supported: true, reason: null, share: grams }
      : fail("low-overlap", grams);
  }
  // Numbers or names alone, all found in the passage, are something checked; an English sentence
  // with no word the glossary knows and no name is not.
  return versioned.length > 0 || (withoutNames.match(NUMBER) ?? []).length > 0
    ? { supported: true, reason: null, share: null }
    : fail("nothing-checkable");
}
