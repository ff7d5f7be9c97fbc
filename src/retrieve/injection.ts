/**
 * Passages that read like instructions to an assistant ("忽略之前的所有指令", "ignore previous
 * instructions", "you are now…") are a prompt-injection attempt or, at best, not evidence about
 * models. They stay in the index (inspect still lists them) but rank below every other passage,
 * whatever the reranker, so they reach the prompt only when nothing else matched.
 */
import type { ScoredPassage } from "./passages.js";

const INSTRUCTION_PATTERNS: RegExp[] = [
  /(忽略|无视|忘记|忘掉|不要理会)(你)?(之前|以上|前面|上面|上述|先前|此前|所有|全部)+的?(所有|全部)?(指令|指示|提示词?|规则|要求|设定)/,
  /(你现在是|从现在起你是|从现在开始，?你(是|将|要)|你的新(任务|指令|身份)是)/,
  /(系统提示词?|system prompt)[^。\n]{0,20}(如下|是|改为|覆盖)/i,
  /(请|必须)(只|仅)?(回答|输出|回复)[:：“"]/,
  /\bignore\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above|earlier|preceding)\s+(instructions|prompts?|rules|directions)/i,
  /\bdisregard\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above|earlier)\b/i,
  /\byou\s+are\s+now\s+(a|an|the|in|my)\b/i,
  /\bnew\s+instructions?\s*:/i,
  /\b(as an ai (assistant|language model)|assistant)\s*,?\s+(you\s+)?must\s+(now\s+)?(say|answer|reply|respond)/i,
];

/** Whether a passage's text reads like an instruction to the model rather than an article. */
export function looksLikeInstruction(text: string): boolean {
  const folded = text.normalize("NFKC");
  return INSTRUCTION_PATTERNS.some((re) => re.test(folded));
}

/** The ranking with instruction-like passages moved, in their order, below all the others. */
export function demoteInstructionLike(ranked: ScoredPassage[]): ScoredPassage[] {
  const flagged = ranked.filter((p) => looksLikeInstruction(p.chunk.text));
  if (flagged.length === 0) return ranked;
  return [...ranked.filter((p) => !flagged.includes(p)), ...flagged];
}
