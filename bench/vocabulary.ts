import { dict } from "@node-rs/jieba/dict.js";
import type { Rng } from "./prng.js";

/**
 * Chinese words drawn by their frequency in jieba's bundled dictionary (the same dictionary the
 * tokenizer segments with), so synthetic text has a realistic Zipf-shaped vocabulary: many
 * function words, a long tail of rare ones.
 */
export interface Vocabulary {
  /** A word drawn by dictionary frequency. */
  word(rng: Rng): string;
  /** A mid-frequency content word (rank 300–20,000 of two or more characters): good question material. */
  contentWord(rng: Rng): string;
  size: number;
}

const CJK_WORD = /^[\u4e00-\u9fff]{1,4}$/;

let cached: Vocabulary | undefined;

export function loadVocabulary(): Vocabulary {
  if (cached) return cached;
  const entries: Array<{ word: string; freq: number }> = [];
  for (const line of Buffer.from(dict).toString("utf8").split("\n")) {
    const [word, freqText] = line.split(" ");
    const freq = Number(freqText);
    if (!word || !CJK_WORD.test(word) || !Number.isFinite(freq) || freq < 3) continue;
    entries.push({ word, freq });
  }
  entries.sort((x, y) => y.freq - x.freq || (x.word < y.word ? -1 : 1));
  const words = entries.map((e) => e.word);
  const cumulative = new Float64Array(entries.length);
  let total = 0;
  entries.forEach((e, i) => {
    total += e.freq;
    cumulative[i] = total;
  });
  const content = words.slice(300, 20_000).filter((w) => w.length >= 2);
  const word = (rng: Rng): string => {
    const target = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) <= target) lo = mid + 1;
      else hi = mid;
    }
    return words[lo] ?? "的";
  };
  cached = { word, contentWord: (rng) => rng.pick(content), size: words.length };
  return cached;
}

/** The debate's own vocabulary, mixed into the text so that questions about it find passages. */
export const DOMAIN_WORDS = [
  "开源",
  "闭源",
  "大模型",
  "开源大模型",
  "闭源大模型",
  "模型",
  "知识产权",
  "透明度",
  "可定制性",
  "社区",
  "开发者",
  "数据隐私",
  "商业化",
  "许可证",
  "微调",
  "预训练",
  "算力",
  "推理",
  "参数",
  "安全性",
  "合规",
  "生态",
  "成本",
  "创新",
  "技术门槛",
  "商业模式",
  "企业",
  "用户",
  "数据共享",
  "可解释性",
] as const;

export const MODEL_NAMES = [
  "GPT-4",
  "GPT-3.5",
  "ChatGPT",
  "LLaMA 2",
  "Llama 3",
  "ChatGLM3-6B",
  "Qwen1.5",
  "Qwen2",
  "Baichuan2",
  "Mistral",
  "Claude",
  "Gemini",
  "文心一言",
  "通义千问",
  "BERT",
  "T5",
  "BLOOM",
  "DeepSeek",
] as const;
