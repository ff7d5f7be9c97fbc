import { stemmer } from "stemmer";

/**
 * An English word as BM25, the builtin embedder and question analysis see it: Porter-stemmed,
 * so "licenses" meets "licensing". Names with digits ("llama3", "405b"), compounds ("gpt-4o")
 * and short words are kept as written.
 */
export function englishTerm(word: string): string {
  return /^[a-z]+$/.test(word) && word.length > 3 ? stemmer(word) : word;
}
