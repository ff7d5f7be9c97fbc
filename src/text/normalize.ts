import * as OpenCC from "opencc-js";
import { CJK_IDEOGRAPH } from "./cjk.js";

/**
 * Traditional Chinese as Simplified, with Taiwan's own words (資料 → 数据, 軟體 → 软件): OpenCC's
 * "twp → cn" conversion. Made on first use: its dictionaries take a moment to build.
 */
let toSimplified: ((text: string) => string) | undefined;
/** Marks, by UTF-16 code unit, the characters conversion changes (all in the BMP). */
let traditionalOnly: Uint8Array | undefined;

/**
 * The characters Simplified Chinese writes differently (資, 體, 優): from OpenCC's Traditional →
 * Simplified tables, ideographs only, so that a Latin letter or a character both scripts share
 * never sends Simplified text through the conversion.
 */
function traditionalCharacters(): Set<string> {
  const set = new Set<string>();
  for (const dictionary of OpenCC.Locale.to.cn) {
    for (const entries of dictionary) {
      if (typeof entries !== "string") continue;
      for (const pair of entries.split("|")) {
        const [from = "", to = ""] = pair.split(" ");
        // Character entries only: the phrase tables also rewrite Simplified words (么麼 → 幺麽).
        if (from.length === 1 && to.length === 1 && from !== to && CJK_IDEOGRAPH.test(from)) set.add(from);
      }
    }
  }
  return set;
}

/**
 * Whether folding converts anything in the text: it holds a character only traditional Chinese
 * uses. Then the whole text goes through OpenCC's phrase conversion, which also rewrites
 * characters elsewhere in it; otherwise folding is NFKC and lower case alone, character by
 * character.
 */
export function hasTraditional(text: string): boolean {
  if (!traditionalOnly) {
    traditionalOnly = new Uint8Array(0x10000);
    for (const ch of traditionalCharacters()) if (ch.length === 1) traditionalOnly[ch.charCodeAt(0)] = 1;
  }
  // A table lookup per code unit: ingest folds every passage, and most have nothing to convert.
  for (let i = 0; i < text.length; i++) if (traditionalOnly[text.charCodeAt(i)]) return true;
  return false;
}

function simplified(text: string): string {
  if (!hasTraditional(text)) return text;
  const convert = toSimplified ?? OpenCC.Converter({ from: "twp", to: "cn" });
  toSimplified = convert;
  return convert(text);
}

/**
 * The one folding applied before text is compared: NFKC turns full-width letters and digits
 * (ＧＰＴ－４) into their ordinary forms, lower-casing makes model names match however they were
 * typed, and Traditional Chinese is read as Simplified, so a page from Taiwan or Hong Kong and a
 * question typed in Simplified (or the other way round) meet on the same words. Text with no
 * Traditional-only character is returned as it is, without conversion. The tokenizer folds the
 * same way, so folded text and tokens always agree.
 */
export function foldText(text: string): string {
  return simplified(text.normalize("NFKC").toLowerCase());
}
