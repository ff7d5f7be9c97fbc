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
