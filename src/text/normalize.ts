/**
 * The one folding applied before text is compared: NFKC turns full-width letters and digits
 * (ＧＰＴ－４) into their ordinary forms, and lower-casing makes model names match however they
 * were typed. The tokenizer folds the same way, so folded text and tokens always agree.
 */
export function foldText(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}
