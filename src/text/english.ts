import { stemmer } from "stemmer";

/**
 * An English word as BM25, the builtin embedder and question analysis see it: Porter-stemmed,
 * so "licenses" meets "licensing". Names with digits ("llama3", "405b"), compounds ("gpt-4o")
 * and short words are kept as written.
 */
export function englishTerm(word: string): string {
  return /^[a-z]+$/.test(word) && word.length > 3 ? stemmer(word) : word;
}

/** A hyphenated word of letters only: everything up to its last part, and the last part. */
const HYPHENATED_WORD = /^((?:[a-z]+-)+)([a-z]+)$/;

/**
 * A hyphenated word is inflected at its end like any other: "self-hosted" is also "self-host",
 * so that "self-host" meets it. null when stemming changes nothing or the word is not one of
 * letters only (names with digits, "gpt-4o", stay as written).
 */
export function hyphenatedStem(word: string): string | null {
  const m = HYPHENATED_WORD.exec(word);
  if (!m) return null;
  const last = englishTerm(m[2] as string);
  return last === m[2] ? null : `${m[1]}${last}`;
}
