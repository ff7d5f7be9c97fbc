/**
 * What the bot says whatever the front end, in the two languages its users write in (the
 * language comes from src/text/language.ts). Words that name a front end's own controls (slash
 * commands, permissions) live with that front end, e.g. src/discord/messages.ts.
 */
import type { UserErrorCode } from "../errors.js";
import type { Language } from "../types.js";

export interface Messages {
  thinking: string;
  cooldown(seconds: number): string;
  tooLong(max: number, got: number): string;
  answerTooOld: string;
  noPassages: string;
  feedbackThanks(vote: "up" | "down"): string;
  reindexBusy: string;
  reindexStarted: string;
  reindexDone(summary: string): string;
  shuttingDown: string;
  genericError: string;
  userError: Record<UserErrorCode, string>;
  sourcesField: string;
  passagesTitle: string;
  showPassages: string;
  /** Ends an answer cut to fit a front end's limits; the passages button still lists every source. */
  answerCut: string;
  continued(part: number, total: number): string;
  noteField: string;
  refusedNote: string;
  indexTitle: string;
  indexEmpty: string;
  passageCount(n: number): string;
  lastIngest: string;
  embedder: string;
}

/** Queue position is always shown in both languages: it is edited before the language matters. */
export function queuedMessage(position: number): string {
  return `排队中：第 ${position} 位 / Queued: position ${position}`;
}

export const MESSAGES: Record<Language, Messages> = {
  zh: {
    thinking: "思考中…",
    cooldown: (s) => `提问太快了，请 ${s} 秒后再试。`,
    tooLong: (max, got) => `问题太长了（${got} 字），请控制在 ${max} 字以内。`,
    answerTooOld: "这条回答太旧了，机器人已不再保存它（可能已重启）。请重新提问。",
    noPassages: "这条回答没有引用任何段落。",
    feedbackThanks: (v) => (v === "up" ? "谢谢反馈 👍" : "谢谢反馈 👎，我们会改进。"),
    reindexBusy: "索引正在重建中，请稍候。",
    reindexStarted: "开始增量重建索引…",
    reindexDone: (summary) => `✅ 索引已更新：${summary}`,
    shuttingDown: "机器人正在重启，请稍后再问。",
    genericError: "抱歉，处理时出了点问题，请稍后再试。",
    userError: {
      "ollama-unreachable": "暂时连不上答题模型（Ollama 未运行或无法访问），请稍后再试。",
      "ollama-model-missing": "答题模型尚未安装到 Ollama 上，请联系管理员。",
      "ollama-timeout": "答题模型响应超时，请稍后再试或换个更简短的问题。",
      "ollama-failed": "答题模型出错了，请稍后再试。",
      "index-missing": "还没有建立文章索引，请管理员先运行导入（/reindex 或 npm run ingest）。",
      "index-mismatch": "文章索引与当前的嵌入模型不匹配，请管理员重建索引。",
      "index-outdated": "文章索引是旧版本建立的，请管理员重建索引（/reindex 或 npm run ingest）。",
      "corpus-missing": "找不到文章目录，请管理员检查 CORPUS_DIR 设置。",
      "embedder-dimension":
        "嵌入模型返回的向量维度与索引不符，请管理员完整重建索引（npm run ingest -- --full）。",
      "ingest-locked": "另一个导入任务正在进行，请稍后再试。",
      "bad-input": "无法处理这个问题，请换个说法。",
    },
    sourcesField: "来源",
    passagesTitle: "引用段落",
    showPassages: "查看引用段落",
    answerCut: "（回答过长，已截断；完整引用见“查看引用段落”）",
    continued: (p, t) => `续（${p}/${t}）`,
    noteField: "提示",
    refusedNote: "资料中没有足够的依据来回答这个问题。",
    indexTitle: "索引中的文章",
    indexEmpty: "索引里还没有文章。",
    passageCount: (n) => `${n} 段`,
    lastIngest: "最近导入",
    embedder: "嵌入模型",
  },
  en: {
    thinking: "Thinking…",
    cooldown: (s) => `You're asking too fast; try again in ${s} s.`,
    tooLong: (max, got) => `That question is too long (${got} characters); please keep it under ${max}.`,
    answerTooOld:
      "This answer is too old: the bot no longer keeps it (it may have restarted). Please ask again.",
    noPassages: "This answer cites no passages.",
    feedbackThanks: (v) =>
      v === "up" ? "Thanks for the feedback 👍" : "Thanks for the feedback 👎, we'll improve.",
    reindexBusy: "The index is already being rebuilt; please wait.",
    reindexStarted: "Starting an incremental re-index…",
    reindexDone: (summary) => `✅ Index updated: ${summary}`,
    shuttingDown: "The bot is restarting; please ask again in a moment.",
    genericError: "Sorry, something went wrong while answering. Please try again later.",
    userError: {
      "ollama-unreachable":
        "The answer model can't be reached right now (Ollama is not running or not reachable). Please try again later.",
      "ollama-model-missing": "The answer model isn't installed in Ollama yet; please tell an admin.",
      "ollama-timeout": "The answer model took too long. Please try again later or ask a shorter question.",
      "ollama-failed": "The answer model failed. Please try again later.",
      "index-missing":
        "There is no article index yet; an admin needs to run the ingest (/reindex or npm run ingest).",
      "index-mismatch":
        "The article index doesn't match the configured embedding model; an admin needs to rebuild it.",
      "index-outdated":
        "The article index was built by an older version; an admin needs to rebuild it (/reindex or npm run ingest).",
      "corpus-missing": "The article folder is missing; an admin needs to check CORPUS_DIR.",
      "embedder-dimension":
        "The embedding model returned vectors of a different size than the index; an admin needs a full rebuild (npm run ingest -- --full).",
      "ingest-locked": "Another ingest is running; please try again shortly.",
      "bad-input": "I can't work with that question; please rephrase it.",
    },
    sourcesField: "Sources",
    passagesTitle: "Cited passages",
    showPassages: "Show passages",
    answerCut: "(answer cut to fit; see “Show passages” for every source)",
    continued: (p, t) => `continued (${p}/${t})`,
    noteField: "Note",
    refusedNote: "The articles don't contain enough evidence to answer this.",
    indexTitle: "Articles in the index",
    indexEmpty: "The index has no articles yet.",
    passageCount: (n) => `${n} passage${n === 1 ? "" : "s"}`,
    lastIngest: "Last ingest",
    embedder: "Embeddings",
  },
};
