import { CJK_IDEOGRAPH } from "./cjk.js";

/** The ways a concept can be written: any one alternative, or all parts of a compound. */
export interface ConceptForms {
  alternatives: string[];
  /** Parts of a compound; all of them together also express it ("技术垄断" ≈ 技术 + 垄断). */
  parts: string[];
}

/** A text as concept matching sees it: its tokens, and the folded text itself (see foldText). */
export interface MatchableText {
  /** The text's terms (a Set, or a view of an index's postings: see src/retrieve/coverage.ts). */
  terms: { has(term: string): boolean };
  text: string;
}

/**
 * Whether a text expresses a concept. Chinese forms may match anywhere in the text, since jieba
 * may cut the passage differently from the question ("定制化" inside "可定制化"); Latin words
 * (model names) must match as whole tokens: "llama" is not "chinese-llama-alpaca-3".
 */
export function expressesConcept(concept: ConceptForms, target: MatchableText): boolean {
  const present = (t: string) => target.terms.has(t) || (CJK_IDEOGRAPH.test(t) && target.text.includes(t));
  if (concept.alternatives.some(present)) return true;
  return concept.parts.length >= 2 && concept.parts.every(present);
}
