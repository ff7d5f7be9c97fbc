/**
 * Which side of the debate a piece of text speaks for, from the lexicon (src/text/lexicon/
 * sides.json and model-families.json): the side words in Chinese and English ("开源", "open
 * weights", "proprietary", "商业化接口") and the model families whose side is known (LLaMA,
 * Qwen / GPT-4, 文心一言). "both" when it speaks for the two.
 */
import { CJK_IDEOGRAPH } from "./cjk.js";
import { LEXICON, type Lexicon, SIDES, type Side } from "./lexicon.js";
import { foldText } from "./normalize.js";

export type SideOf = Side | "both" | null;

const escapeRegExp = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One pattern per side: Latin words stand alone ("OpenAI" is not "open"), Chinese anywhere. */
function sidePattern(words: string[]): RegExp {
  const latin = words
    .filter((w) => !CJK_IDEOGRAPH.test(w))
    .map((w) => escapeRegExp(w).replace(/\s+/g, "[\\s-]+"));
  const chinese = words.filter((w) => CJK_IDEOGRAPH.test(w)).map(escapeRegExp);
  const parts = [
    ...chinese,
    ...(latin.length > 0 ? [`(?<![a-z0-9])(?:${latin.join("|")})(?![a-z0-9]|\\.\\d)`] : []),
  ];
  return new RegExp(parts.join("|"), "g");
}

function patterns(lexicon: Lexicon): Record<Side, { words: RegExp; families: RegExp }> {
  return {
    open: { words: sidePattern(lexicon.sides.open.textWords), families: sidePattern(lexicon.families.open) },
    closed: {
      words: sidePattern(lexicon.sides.closed.textWords),
      families: sidePattern(lexicon.families.closed),
    },
  };
}

const PATTERNS = patterns(LEXICON);

/**
 * What just before a side word denies it: "并不算开源", "不是闭源的", "not open source", also
 * across what only qualifies the side word: a measure word ("算不上一个开源项目"), a degree
 * ("不是真正开源") or a phrase ending in 的 ("不是OSI认可的开源许可证"); in English an article
 * and adverbs or "X-approved" ("not an OSI-approved open source licence"). Anything else between
 * them is what is denied instead: "不是所有开源模型" (not all), "不是因为开源" (not because),
 * "not about open source". A lone 非 counts only right before the word ("非开源"), since 非常
 * is "very".
 */
const NEGATION_ZH = new RegExp(
  [
    "(?:不算|不是|并非|并不是|不属于|称不上|算不上|谈不上)是?",
    "(?:一?[个款种套项部])?",
    "(?:(?:真正|严格|完全|纯粹|彻底|完整)(?:意义上)?的?|[^，。；,;：:！？!?、\\s]{0,10}?的)?$",
    "|非$",
  ].join(""),
);
const NEGATION_EN =
  /\b(?:not|isn't|aren't|wasn't|never|no longer|hardly)\s+(?:an?\s+)?(?:(?:really|truly|fully|genuinely|strictly|properly|actually|real|true|genuine)\s+|[a-z0-9]+-(?:approved|certified|compliant|defined|sanctioned)\s+){0,2}$/;

function mentions(folded: string, re: RegExp): { all: number; negated: number } {
  let all = 0;
  let negated = 0;
  for (const m of folded.matchAll(re)) {
    all++;
    const before = folded.slice(Math.max(0, (m.index ?? 0) - 24), m.index ?? 0);
    if (NEGATION_ZH.test(before) || NEGATION_EN.test(before)) negated++;
  }
  return { all, negated };
}

/**
 * How often each side is named in a text: side words count fully, model families too; a side
 * word that is denied ("并不算开源") does not count for its side.
 */
export function sideMentions(text: string, options: { families?: boolean } = {}): Record<Side, number> {
  const folded = foldText(text);
  const count = (side: Side) => {
    const words = mentions(folded, PATTERNS[side].words);
    const families = options.families === false ? 0 : (folded.match(PATTERNS[side].families) ?? []).length;
    return words.all - words.negated + families;
  };
  return { open: count("open"), closed: count("closed") };
}

/** The sides a text denies by name ("按开源定义并不算开源": open). */
export function negatedSides(text: string): Set<Side> {
  const folded = foldText(text);
  return new Set(SIDES.filter((side) => mentions(folded, PATTERNS[side].words).negated > 0));
}

/** The side a text names: one side, "both", or null when it names neither. */
export function sideOf(text: string, options: { families?: boolean } = {}): SideOf {
  const m = sideMentions(text, options);
  if (m.open > 0 && m.closed > 0) return "both";
  return SIDES.find((s) => m[s] > 0) ?? null;
}
