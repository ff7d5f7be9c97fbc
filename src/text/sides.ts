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

/** How often each side is named in a text: side words count fully, model families too. */
export function sideMentions(text: string): Record<Side, number> {
  const folded = foldText(text);
  const count = (re: RegExp) => (folded.match(re) ?? []).length;
  return {
    open: count(PATTERNS.open.words) + count(PATTERNS.open.families),
    closed: count(PATTERNS.closed.words) + count(PATTERNS.closed.families),
  };
}

/** The side a text names: one side, "both", or null when it names neither. */
export function sideOf(text: string): SideOf {
  const m = sideMentions(text);
  if (m.open > 0 && m.closed > 0) return "both";
  return SIDES.find((s) => m[s] > 0) ?? null;
}
