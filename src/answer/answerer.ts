import { HEADING_SEPARATOR } from "../chunk/chunker.js";
import type { RetrievalSettings } from "../config.js";
import type { IndexEmbeddings } from "../embed/types.js";
import { isUserError } from "../errors.js";
import type { Logger } from "../logger.js";
import { passageView } from "../retrieve/passages.js";
import type { IndexSource } from "../retrieve/ports.js";
import { analyseQuestion, type QueryAnalysis, rewriteFollowUp } from "../retrieve/query.js";
import type { Reranker } from "../retrieve/rerankers/reranker.js";
import { type Retrieval, retrieve } from "../retrieve/retrieve.js";
import { normaliseQuestion } from "../text/question.js";
import type { Tokenizer } from "../text/tokenizer.js";
import type { AskOptions, AskResult, Chunk, Citation, Language, QuestionAnswerer } from "../types.js";
import { composeExtractive } from "./extractive.js";
import type { ChatModel } from "./ollama-chat.js";
import { buildAnswerPrompt } from "./prompt.js";
import { assessEvidence, isModelRefusal, isWeakEvidence, refusalMessage } from "./refusal.js";
import { verifyCitations } from "./verify.js";

const FALLBACK_NOTICE: Record<Language, (reason: string) => string> = {
  zh: (reason) => `模型暂时不可用（${reason}），以下是直接摘自文章的回答。`,
  en: (reason) => `The model is unavailable (${reason}); this answer is quoted from the articles instead.`,
};

export interface AnswererDeps {
  index: IndexSource;
  embeddings: IndexEmbeddings;
  tokenizer: Tokenizer;
  /** null: keep the fused order. */
  reranker: Reranker | null;
  /** Retrieval's tunables (k among them) and the refusal threshold. */
  retrieval: RetrievalSettings;
  /** null: the extractive answer, no model. */
  chat: ChatModel | null;
  logger: Logger;
  numCtx: number;
  providers: { embeddings: string; chat: string };
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
      if (isModelRefusal(raw)) return { text: refusalMessage(analysis.language), cited: [], refused: true };
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
      // The one place every front end's question passes (Discord, CLI, eval): markup, mentions
      // and links never reach retrieval, refusal or the answer.
      const asked = normaliseQuestion(question);
      if (asked.urls.length > 0) logger.info({ urls: asked.urls }, "links set aside from the question");
      const standalone = rewriteFollowUp(asked.text, options.history, tokenizer);
      const analysis = analyseQuestion(standalone, tokenizer);
      const index = await deps.index.current();
      const retrieval = await retrieve(
        analysis,
        index,
        { embeddings: deps.embeddings, tokenizer, reranker: deps.reranker, settings: deps.retrieval },
        { k: deps.retrieval.k },
      );
      const evidence = assessEvidence(analysis, retrieval, index.lexical, tokenizer);
      const retrieved = performance.now();

      let answer = refusalMessage(analysis.language);
      let cited: Chunk[] = [];
      let refused = true;
      let notice: string | undefined;
      if (!isWeakEvidence(analysis, retrieval, evidence, deps.retrieval.refusalMinCoverage)) {
        const generated = await generate(analysis, retrieval, options);
        refused = generated.refused;
        answer = refused ? refusalMessage(analysis.language) : generated.text;
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
