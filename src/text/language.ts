import type { Language } from "../types.js";
import { CJK_WRITING } from "./cjk.js";

/**
 * The language to answer in: Chinese when the text contains anything a Chinese input method
 * writes (ideographs, CJK punctuation, full-width forms), else English. The bot's
 * acknowledgement and the answer both use this one function, so they never disagree.
 */
export function detectLanguage(text: string): Language {
  return CJK_WRITING.test(text) ? "zh" : "en";
}

export function languageFromLocale(locale: string | null | undefined): Language {
  return locale?.toLowerCase().startsWith("zh") ? "zh" : "en";
}
