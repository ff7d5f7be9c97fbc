import { HEADING_SEPARATOR } from "../chunk/chunker.js";
import type { RetrievalSettings } from "../config.js";
import type { IndexEmbeddings } from "../embed/types.js";
import { isUserError, UserError, type UserErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";
import { passageView } from "../retrieve/passages.js";
import type { IndexSource, RetrievalIndex } from "../retrieve/ports.js";
import {
  analyseQuestion,
  isGeneralComparison,
  type QueryAnalysis,
  rewriteFollowUp,
} from "../retrieve/query.js";
import type { Reranker } from "../retrieve/rerankers/reranker.js";
import { type Retrieval, retrieve } from "../retrieve/retrieve.js";
import { LEXICON } from "../text/lexicon.js";
import { normaliseQuestion } from "../text/question.js";
import type { Tokenizer } from "../text/tokenizer.js";
import type {
  AnswerVerification,
  AskOptions,
  AskResult,
  Chunk,
  Citation,
  Language,
  QuestionAnswerer,
} from "../types.js";
import { composeExtractive, composeOverview, type OverviewPart } from "./extractive.js";
import type { ChatModel } from "./ollama-chat.js";
import { buildAnswerPrompt } from "./prompt.js";
import { assessEvidence, isModelRefusal, isWeakEvidence, refusalMessage } from "./refusal.js";
import { MIN_SURVIVING_SHARE, verifyCitations, verifyModelAnswer } from "./verify.js";

/**
 * Why Ollama failed, in the question's language: the server's own message (English, with hosts
 * and commands) goes to the log, the user reads a phrase in the language they asked in.
 */
const FAILURE_REASON: Record<Language, Partial<Record<UserErrorCode, string>> & { other: string }> = {
  zh: {
    "ollama-unreachable": "连不上 Ollama",
    "ollama-model-missing": "模型尚未安装到 Ollama",
    "ollama-timeout": "响应超时",
    "ollama-failed": "模型出错",
    "embedder-dimension": "嵌入模型的向量维度与索引不符，需要完整重建索引",
    other: "模型出错",
  },
  en: {
    "ollama-unreachable": "Ollama cannot be reached",
    "ollama-model-missing": "the model is not installed in Ollama",
    "ollama-timeout": "it timed out",
    "ollama-failed": "the model failed",
    "embedder-dimension":
      "the embedding model's vector size no longer matches the index, which needs a full rebuild",
    other: "the model failed",
  },
};

const reasonFor = (language: Language, code: UserErrorCode): string =>
  FAILURE_REASON[language][code] ?? FAILURE_REASON[language].other;

const NOTICES = {
  zh: {
    chatFailed: (reason: string) => `答题模型暂时不可用（${reason}），以下是直接摘自文章的回答。`,
    embeddingsFailed: (reason: string) => `嵌入模型暂时不可用（${reason}），本次只按关键词（BM25）检索文章。`,
    unverified: "模型的回答大部分无法在引用的文章中得到印证，以下改为直接摘自文章的回答。",
    sentencesRemoved: (n: number) => `已删除模型回答中 ${n} 句无法在引用文章中得到印证的内容。`,
  },
  en: {
    chatFailed: (reason: string) =>
      `The answer model is unavailable (${reason}); this answer is quoted from the articles instead.`,
    embeddingsFailed: (reason: string) =>
      `The embedding model is unavailable (${reason}); the articles were searched by keywords (BM25) only.`,
    unverified:
      "Most of the model's answer could not be checked against the articles it cited; this answer is quoted from the articles instead.",
    sentencesRemoved: (n: number) =>
      `${n} sentence${n === 1 ? "" : "s"} of the model's answer could not be checked against the cited articles and ${n === 1 ? "was" : "were"} removed.`,
  },
} as const;

/** What the footer and `providers` say answered when the model's answer was not used. */
export const EXTRACTIVE_PROVIDER = "extractive";
/** What `providers.embeddings` says when the question was searched without vectors. */
export const LEXICAL_ONLY_PROVIDER = "bm25";

/** Failures of a model server that still leave an answer possible: the rest is a bug and is rethrown. */
function isModelFailure(err: unknown): err is UserError {
  return isUserError(err) && (err.code.startsWith("ollama") || err.code === "embedder-dimension");
}

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

  interface Generated {
    text: string;
    cited: Chunk[];
    refused: boolean;
    notices: string[];
    chat: string;
    verification?: AnswerVerification;
  }

  async function generate(
    analysis: QueryAnalysis,
    retrieval: Retrieval,
    options: AskOptions,
  ): Promise<Generated> {
    const language = analysis.language;
    const extractive = () => {
      const draft = composeExtractive(analysis, retrieval.top, retrieval.conceptWeights, tokenizer);
      const verified = verifyCitations(draft.text, draft.cited, tokenizer);
      return { text: verified.text, cited: verified.cited };
    };
    const extractiveWith = (notices: string[], verification?: AnswerVerification): Generated => {
      const result = extractive();
      options.onProgress?.(result.text);
      return {
        ...result,
        refused: result.cited.length === 0,
        notices,
        chat: EXTRACTIVE_PROVIDER,
        ...(verification ? { verification } : {}),
      };
    };
    if (!deps.chat) {
      const result = extractive();
      options.onProgress?.(result.text);
      return { ...result, refused: result.cited.length === 0, notices: [], chat: deps.providers.chat };
    }
    const sources = retrieval.top.map((s, i) => ({
      n: i + 1,
      title: s.chunk.title,
      heading: s.chunk.headingPath.join(HEADING_SEPARATOR),
      text: s.chunk.text,
    }));
    const prompt = buildAnswerPrompt({
      question: analysis.question,
      language,
      comparison: analysis.comparison,
      sources,
      numCtx: deps.numCtx,
    });
    const included = retrieval.top
      .filter((_, i) => prompt.includedSources.includes(i + 1))
      .map((s) => s.chunk);
    // Markers refer to positions in the full source list; sources the budget left out cannot be cited.
    const numbered = retrieval.top.map((s) =>
      included.includes(s.chunk) ? s.chunk : { ...s.chunk, text: "" },
    );
    let raw: string;
    try {
      raw = await deps.chat.chat(prompt.messages, {
        onToken: streamVerified(numbered, options.onProgress),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      if (!isModelFailure(err)) throw err;
      logger.warn(
        { code: err.code, msg: err.message },
        "chat model failed; falling back to the extractive answer",
      );
      return extractiveWith([NOTICES[language].chatFailed(reasonFor(language, err.code))]);
    }
    if (isModelRefusal(raw)) {
      return {
        text: refusalMessage(language),
        cited: [],
        refused: true,
        notices: [],
        chat: deps.providers.chat,
      };
    }
    const verified = verifyModelAnswer(raw, numbered, tokenizer);
    for (const removal of verified.removals) {
      logger.info({ reason: removal.reason, sentence: removal.sentence }, "sentence removed by verification");
    }
    if (verified.dropped.length > 0)
      logger.info({ dropped: verified.dropped }, "citations removed by verification");
    const verification: AnswerVerification = {
      kept: verified.kept,
      removed: verified.removed,
      reasons: { ...verified.reasons },
    };
    if (verified.cited.length === 0 || verified.survived < MIN_SURVIVING_SHARE) {
      // Too little of the answer is backed by its sources to show it: the articles' own words are.
      logger.warn(
        { kept: verified.kept, removed: verified.removed, survived: verified.survived },
        "model answer failed verification; using the extractive answer",
      );
      return extractiveWith([NOTICES[language].unverified], verification);
    }
    options.onProgress?.(verified.text);
    const notices = verified.removed > 0 ? [NOTICES[language].sentencesRemoved(verified.removed)] : [];
    return {
      text: verified.text,
      cited: verified.cited,
      refused: false,
      notices,
      chat: deps.providers.chat,
      verification,
    };
  }

  /**
   * Progress while the model streams: only complete sentences, and only those verification keeps,
   * so that a made-up claim is never on screen even for the seconds before the answer is checked.
   */
  function streamVerified(
    numbered: Array<{ text: string }>,
    onProgress: AskOptions["onProgress"],
  ): ((delta: string) => void) | undefined {
    if (!onProgress) return undefined;
    let soFar = "";
    let checkedUpTo = 0;
    let shown = "";
    return (delta) => {
      soFar += delta;
      // The last sentence end followed by something other than a marker: that sentence is complete.
      const complete = lastCompleteSentenceEnd(soFar);
      if (complete <= checkedUpTo) return;
      checkedUpTo = complete;
      const verified = verifyModelAnswer(soFar.slice(0, complete), numbered, tokenizer);
      if (verified.text !== "" && verified.text !== shown) {
        shown = verified.text;
        onProgress(shown);
      }
    };
  }

  /**
   * A general comparison, answered aspect by aspect (src/text/lexicon/aspects.json): each aspect
   * is searched as its own comparison question, in the question's language.
   */
  async function answerOverview(analysis: QueryAnalysis, index: RetrievalIndex) {
    const parts: OverviewPart[] = [];
    for (const aspect of LEXICON.aspects) {
      const q =
        analysis.language === "zh"
          ? `开源和闭源大模型在${aspect.zh}方面有什么区别？`
          : `How do open-source and closed-source models differ on ${aspect.en}?`;
      const aspectAnalysis = analyseQuestion(q, tokenizer, index.bridge);
      const r = await retrieve(
        aspectAnalysis,
        index,
        { embeddings: deps.embeddings, tokenizer, reranker: deps.reranker, settings: deps.retrieval },
        { k: deps.retrieval.k },
      );
      parts.push({
        label: analysis.language === "zh" ? aspect.zh : aspect.en,
        analysis: aspectAnalysis,
        top: r.top,
        conceptWeights: r.conceptWeights,
      });
    }
    const draft = composeOverview(parts, analysis.language, tokenizer);
    return verifyCitations(draft.text, draft.cited, tokenizer);
  }

  return {
    async ask(question: string, options: AskOptions = {}): Promise<AskResult> {
      const started = performance.now();
      // The one place every front end's question passes (Discord, CLI, eval): markup, mentions
      // and links never reach retrieval, refusal or the answer.
      const asked = normaliseQuestion(question);
      if (asked.urls.length > 0) logger.info({ urls: asked.urls }, "links set aside from the question");
      const standalone = rewriteFollowUp(asked.text, options.history, tokenizer);
      const index = await deps.index.current();
      const analysis = analyseQuestion(standalone, tokenizer, index.bridge);
      const notices: string[] = [];
      let embeddingsProvider = deps.providers.embeddings;
      const search = (from: RetrievalIndex) =>
        retrieve(
          analysis,
          from,
          { embeddings: deps.embeddings, tokenizer, reranker: deps.reranker, settings: deps.retrieval },
          { k: deps.retrieval.k },
        );
      let retrieval: Retrieval;
      try {
        retrieval = await search(withCheckedDimension(index));
      } catch (err) {
        if (!isModelFailure(err)) throw err;
        // The index also holds BM25 postings: a question can still be answered from words alone.
        logger.warn({ code: err.code, msg: err.message }, "question embedding failed; searching BM25 alone");
        retrieval = await search({ ...index, dense: null });
        embeddingsProvider = LEXICAL_ONLY_PROVIDER;
        notices.push(NOTICES[analysis.language].embeddingsFailed(reasonFor(analysis.language, err.code)));
      }
      const evidence = assessEvidence(analysis, retrieval, index.lexical, tokenizer);
      const retrieved = performance.now();

      let answer = refusalMessage(analysis.language, analysis);
      let cited: Chunk[] = [];
      let refused = true;
      let chatProvider = deps.providers.chat;
      let verification: AnswerVerification | undefined;
      const overview =
        !deps.chat && isGeneralComparison(analysis) ? await answerOverview(analysis, index) : null;
      if (overview && overview.cited.length > 0) {
        answer = overview.text;
        cited = overview.cited;
        refused = false;
        options.onProgress?.(answer);
      } else if (!isWeakEvidence(analysis, retrieval, evidence, deps.retrieval.refusalMinCoverage)) {
        const generated = await generate(analysis, retrieval, options);
        refused = generated.refused;
        answer = refused ? refusalMessage(analysis.language, analysis) : generated.text;
        cited = refused ? [] : generated.cited;
        notices.push(...generated.notices);
        chatProvider = generated.chat;
        verification = generated.verification;
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
        providers: { embeddings: embeddingsProvider, chat: chatProvider },
        timings: {
          retrieveMs: Math.round(retrieved - started),
          generateMs: Math.round(done - retrieved),
          totalMs: Math.round(done - started),
        },
        language: analysis.language,
      };
      if (notices.length > 0) result.notice = notices.join("\n");
      if (verification) result.verification = verification;
      return result;
    },
  };
}

/**
 * The index as retrieval sees it, with query vectors checked against the size of its vectors: a
 * model re-pulled under the same name may embed at another size, and hnswlib would fail with an
 * error nobody can act on ("Invalid the given array length").
 */
function withCheckedDimension(index: RetrievalIndex): RetrievalIndex {
  const dense = index.dense;
  if (!dense) return index;
  // The port does not promise a size; the store's loaded index carries its manifest, which records it.
  const recorded = (index as { manifest?: { embedder?: { dimension?: unknown } } }).manifest?.embedder
    ?.dimension;
  const expected = typeof recorded === "number" && recorded > 0 ? recorded : undefined;
  const checked = <T>(vectors: number[][], search: () => T): T => {
    for (const vector of vectors) {
      if (expected !== undefined && vector.length !== expected) {
        throw new UserError(
          "embedder-dimension",
          `the embedder returned ${vector.length}-dimensional vectors but the index holds ${expected}: run "npm run ingest -- --full"`,
        );
      }
    }
    try {
      return search();
    } catch (err) {
      // Dense indexes that do not expose their size fail here instead.
      if (err instanceof Error && /length|dimension/i.test(err.message)) {
        throw new UserError(
          "embedder-dimension",
          `the embedder's vectors do not fit the index: ${err.message}`,
          {
            cause: err,
          },
        );
      }
      throw err;
    }
  };
  const searchMany = dense.searchMany?.bind(dense);
  return {
    ...index,
    dense: {
      search: (vector, k) => checked([vector], () => dense.search(vector, k)),
      ...(searchMany ? { searchMany: (vectors, k) => checked(vectors, () => searchMany(vectors, k)) } : {}),
    },
  };
}

/** End of the last sentence of a streamed text that is certainly complete (0 when none is). */
function lastCompleteSentenceEnd(text: string): number {
  let end = 0;
  for (const m of text.matchAll(/[。！？!?；;\n]|\.(?=\s)/g)) {
    const after = text.slice((m.index ?? 0) + 1);
    // "…成本。" may still be followed by its marker "[1]": wait until something else arrives.
    const rest = after.replace(/^\s*(?:[[［【(（][^\]］】)）]{0,12}[\]］】)）]\s*)*/, "");
    if (rest.length > 0) end = text.length - rest.length;
  }
  return end;
}
