/**
 * Which characters count as Chinese, in one place. Two classes, because two questions are asked:
 * "is this a Chinese word?" (ideographs only: a term, a token, a run to split into bigrams) and
 * "was this written in Chinese?" (ideographs, or the punctuation and full-width forms a Chinese
 * input method produces: "GPT-4？" was typed by a Chinese reader).
 */

/** CJK unified ideographs (with extension A and the compatibility block). */
export const CJK_IDEOGRAPH = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

/** A run of ideographs, for splitting text into Chinese and non-Chinese stretches. */
export const CJK_IDEOGRAPH_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;

/** Ideographs, CJK punctuation (。，、「」) and full-width forms (？！：０-９). */
export const CJK_WRITING = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/;

export function hasIdeograph(text: string): boolean {
  return CJK_IDEOGRAPH.test(text);
}
