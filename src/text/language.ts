import type { Language } from "../types.js";
import { CJK_WRITING } from "./cjk.js";

/**
 * The language to answer in: Chinese when the text contains anything a Chinese input method
 * writes (ideographs, CJK punctuation, full-width forms), else English; except that a question
 * written in English around a Chinese name ("Is 文心一言 open source or closed source?") is
 * English: more English words than Chinese characters, and at least three of them. Chinese
 * punctuation alone ("Is Llama 3 open source？") still means a Chinese input method, so Chinese. The bot's
 * acknowledgement and the answer both use this one function, so they never disagree.
 */
export function detectLanguage(text: string): Language {
  if (!CJK_WRITING.test(text)) return "en";
  const englishWords = text.match(/[A-Za-z]+(?:['’][a-z]+)?/g)?.length ?? 0;
  const chineseCharacters = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  // No Chinese characters but Chinese punctuation: typed with a Chinese input method.
  if (chineseCharacters === 0) return "zh";
  return englishWords >= 3 && englishWords > chineseCharacters ? "en" : "zh";
}

export function languageFromLocale(locale: string | null | undefined): Language {
  return locale?.toLowerCase().startsWith("zh") ? "zh" : "en";
}
