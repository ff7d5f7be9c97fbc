/**
 * A stand-in for the answering pipeline behind the QuestionAnswerer seam: returns a realistic
 * AskResult (a Chinese answer with [1][2] markers citing two corpus articles) and can be told to
 * stream slowly, take a while, fail with a UserError (or anything else), or answer at length.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { AskOptions, AskResult, Citation, ConversationTurn, QuestionAnswerer } from "../../src/types.js";

export const SAMPLE_CITATIONS: Citation[] = [
  {
    n: 1,
    id: "c-full-comparison-2",
    source: "open-vs-closed-llm-full-comparison.txt",
    title: "开源大模型与闭源大模型的全面对比",
    heading: "二、关键区别 › 透明度",
    url: "https://cloud.baidu.com/qianfanqa/article/open-vs-closed",
    text: "开源大模型：代码和算法透明，用户可以了解模型的工作原理，有助于建立信任和确保模型的公正性。\n闭源大模型：内部工作原理对外界保密，可能导致用户对模型的不信任和担忧。",
  },
  {
    n: 2,
    id: "c-globalization-7",
    source: "ai-globalization-open-vs-closed-tradeoff.md",
    title: "基于AI和全球化进程的权衡：开源大模型与闭源大模型",
    heading: "开源大模型 › 优势",
    url: null,
    text: "开源大模型的优势在于社区的广泛参与，创新和改进的速度更快，使用成本也更低。",
  },
];

export const SAMPLE_ANSWER =
  "开源大模型的代码和算法是公开的，用户可以了解模型的工作原理，这有助于建立信任[1]。" +
  "同时，由于社区的广泛参与，开源模型的创新速度更快，成本也更低[2]。" +
  "闭源大模型则对内部工作原理保密，用户难以深入定制[1]。";

export function sampleResult(question: string, overrides: Partial<AskResult> = {}): AskResult {
  return {
    question,
    refused: false,
    answer: SAMPLE_ANSWER,
    citations: SAMPLE_CITATIONS,
    retrieved: SAMPLE_CITATIONS.map((c, i) => ({
      rank: i + 1,
      id: c.id,
      source: c.source,
      title: c.title,
      heading: c.heading,
      text: c.text,
      score: 0.9 - i * 0.1,
    })),
    providers: { embeddings: "builtin", chat: "fake" },
    timings: { retrieveMs: 12, generateMs: 30, totalMs: 42 },
    language: /[\u4e00-\u9fff]/.test(question) ? "zh" : "en",
    ...overrides,
  };
}

export interface FakeAnswererBehaviour {
  /** Partial answers sent through onProgress before the result, one every stepMs. */
  streamSteps: number;
  stepMs: number;
  /** Extra time before answering (after streaming). */
  delayMs: number;
  /** The answer text for a question (default: SAMPLE_ANSWER). */
  answer?: (question: string) => string;
}

export interface FakeCall {
  question: string;
  history: ConversationTurn[];
  startedAt: number;
}

export class FakeAnswerer implements QuestionAnswerer {
  readonly calls: FakeCall[] = [];
  behaviour: FakeAnswererBehaviour = { streamSteps: 0, stepMs: 0, delayMs: 0 };
  /** Highest number of asks running at once. */
  maxActive = 0;
  #active = 0;
  readonly #failures: unknown[] = [];

  constructor(behaviour: Partial<FakeAnswererBehaviour> = {}) {
    this.behaviour = { ...this.behaviour, ...behaviour };
  }

  /** The next ask (only) throws `err`. */
  failNext(err: unknown): void {
    this.#failures.push(err);
  }

  async ask(question: string, options: AskOptions = {}): Promise<AskResult> {
    this.calls.push({ question, history: options.history ?? [], startedAt: Date.now() });
    this.#active += 1;
    this.maxActive = Math.max(this.maxActive, this.#active);
    try {
      if (this.#failures.length > 0) {
        await sleep(5);
        throw this.#failures.shift();
      }
      const answer = this.behaviour.answer?.(question) ?? SAMPLE_ANSWER;
      const { streamSteps, stepMs, delayMs } = this.behaviour;
      for (let i = 1; i <= streamSteps; i += 1) {
        await sleep(stepMs, undefined, { signal: options.signal });
        options.onProgress?.(answer.slice(0, Math.ceil((answer.length * i) / streamSteps)));
      }
      if (delayMs > 0) await sleep(delayMs, undefined, { signal: options.signal });
      return sampleResult(question, { answer });
    } finally {
      this.#active -= 1;
    }
  }
}
