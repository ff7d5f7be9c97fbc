import { createRng } from "./prng.js";
import { DOMAIN_WORDS, loadVocabulary, MODEL_NAMES } from "./vocabulary.js";

/**
 * A realistic question mix for latency runs: the public eval questions (a quarter) and
 * templated questions over the synthetic corpus's own vocabulary, in the shapes users ask:
 * single facts, one-sided evaluations, two-sided comparisons (three sub-searches in retrieve),
 * model-name lookups, and English questions that go through the glossary.
 */
export function questionMix(count: number, seed: number, publicQuestions: string[]): string[] {
  const rng = createRng(seed).fork("questions");
  const vocab = loadVocabulary();
  const c = () => vocab.contentWord(rng);
  const d = () => rng.pick(DOMAIN_WORDS);
  const m = () => rng.pick(MODEL_NAMES);
  const side = () => rng.pick(["开源", "闭源"]);
  const english = ["cost", "security", "privacy", "transparency", "community", "license", "innovation"];
  const templates: Array<() => string> = [
    () => `${side()}大模型在${c()}方面有哪些优势？`,
    () => `${side()}模型的${c()}怎么样？`,
    () => `开源和闭源大模型在${c()}上有什么区别？`,
    () => `${m()}和${m()}在${d()}上有什么不同？`,
    () => `什么是${c()}？`,
    () => `${m()}是开源的还是闭源的？`,
    () => `${c()}与${c()}有什么关系？`,
    () => `为什么企业选择${side()}大模型来做${c()}？`,
    () => `${m()} 有多少参数？`,
    () => `${d()}对${c()}有什么影响？`,
    () => `What are the advantages of open-source models for ${rng.pick(english)}?`,
    () => `How do closed-source LLMs handle ${rng.pick(english)}?`,
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (publicQuestions.length > 0 && rng.chance(0.25)) out.push(rng.pick(publicQuestions));
    else out.push(rng.pick(templates)());
  }
  return out;
}
