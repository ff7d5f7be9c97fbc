import { analyseQuestion } from "../retrieve/query.js";
import type { Tokenizer } from "../text/tokenizer.js";

const CJK = /[\u3400-\u9fff]/;

/**
 * Whether a passage supports a sentence, by lexical overlap of the sentence's concepts (with the
 * glossary's translations, so an English sentence can be checked against a Chinese passage).
 * Deliberately lenient: it catches citations to a passage about something else, not paraphrase.
 */
export function supportShare(sentence: string, passage: string, tokenizer: Tokenizer): number | null {
  const concepts = analyseQuestion(sentence, tokenizer).concepts;
  if (concepts.length < 2) return null;
  const text = passage.normalize("NFKC").toLowerCase();
  const terms = new Set(tokenizer.terms(passage));
  const present = (t: string) => terms.has(t) || (CJK.test(t) && text.includes(t));
  const hits = concepts.filter(
    (c) => c.alternatives.some(present) || (c.parts.length >= 2 && c.parts.every(present)),
  );
  return hits.length / concepts.length;
}

export const MIN_SUPPORT = 0.3;
