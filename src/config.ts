/**
 * The only module that reads the environment. Every setting is validated at start-up and all
 * problems are reported together, so a user fixes their `.env` in one pass rather than one
 * error at a time.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { config as loadDotenv } from "dotenv";
import { z } from "zod";
import { minimumNumCtx } from "./answer/prompt.js";

export const DISCORD_DEFAULT_API = "https://discord.com/api";

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Rerankers a user can choose with RERANKER; src/retrieve/rerankers/index.ts builds each. */
export const RERANKER_NAMES = ["coverage", "none"] as const;
export type RerankerName = (typeof RERANKER_NAMES)[number];

/**
 * Retrieval's tunables. The defaults were calibrated together on eval/questions.jsonl and
 * eval/heldout.jsonl; only the ones a user would plausibly change have an environment setting.
 */
export interface RetrievalSettings {
  /** Passages handed to the answer step (RETRIEVAL_K). */
  k: number;
  /** HNSW search breadth (HNSW_EF). */
  ef: number;
  /** How many of each ranked list (lexical, dense, per sub-query) take part in the fusion (RETRIEVAL_CANDIDATES). */
  candidates: number;
  /** Reciprocal-rank constant: a list's rank r counts weight / (rrfC + r). 60 is the value of Cormack et al. */
  rrfC: number;
  /**
   * Weight of the dense list in the fusion (lexical counts 1). The builtin embedder is itself a
   * bag of words, a weaker second opinion than BM25 on the same words; a real multilingual model
   * sees meaning BM25 cannot, and earns an equal vote. See denseWeightFor.
   */
  denseWeight: { builtin: number; model: number };
  /** The fused list's head that the reranker reorders. */
  rerankDepth: number;
  /** The top of every single list is reranked too, however deep it sits in the fused order. */
  listHead: number;
  /** Which reranker reorders the head (RERANKER); "none" keeps the fused order. */
  reranker: RerankerName;
  /** Coverage reranker: weight of the share of the question a passage answers, against its normalised fused score. */
  rerankWeight: number;
  /** Passages whose character-bigram Jaccard similarity reaches this are one passage (reprints, overlaps). */
  nearDuplicateJaccard: number;
  /** Comparison: a passage speaks for a side on the aspect asked about when it expresses this share of the question. */
  sideAspectShare: number;
  /**
   * Refusal: below this share of the question's (IDF-weighted) concepts expressed by one single
   * passage among the best three, the articles are taken not to cover the question
   * (REFUSAL_MIN_COVERAGE; see src/answer/refusal.ts for the calibration).
   */
  refusalMinCoverage: number;
}

export const RETRIEVAL_DEFAULTS: RetrievalSettings = {
  k: 5,
  ef: 128,
  candidates: 50,
  rrfC: 60,
  denseWeight: { builtin: 0.5, model: 1 },
  rerankDepth: 20,
  listHead: 10,
  reranker: "coverage",
  rerankWeight: 0.6,
  nearDuplicateJaccard: 0.8,
  sideAspectShare: 0.5,
  refusalMinCoverage: 0.4,
};

const schema = z.object({
  CORPUS_DIR: z.string().min(1).default("corpus"),
  INDEX_DIR: z.string().min(1).default("data/index"),
  EMBEDDING_PROVIDER: z.enum(["builtin", "ollama"]).default("builtin"),
  CHAT_PROVIDER: z.enum(["extractive", "ollama"]).default("extractive"),
  OLLAMA_HOST: z.string().default("127.0.0.1:11434"),
  OLLAMA_EMBED_MODEL: z.string().min(1).default("bge-m3"),
  OLLAMA_CHAT_MODEL: z.string().min(1).default("qwen2.5:7b"),
  OLLAMA_TIMEOUT_MS: intFrom(100, 600_000).default(60_000),
  OLLAMA_ANSWER_TIMEOUT_MS: intFrom(100, 3_600_000).default(180_000),
  OLLAMA_NUM_CTX: intFrom(1024, 131_072).default(8192),
  OLLAMA_EMBED_BATCH: intFrom(1, 1024).default(32),
  OLLAMA_EMBED_CONCURRENCY: intFrom(1, 16).default(2),
  CHUNK_SIZE: intFrom(100, 4000).default(400),
  CHUNK_OVERLAP: intFrom(0, 2000).default(80),
  RETRIEVAL_K: intFrom(1, 20).default(RETRIEVAL_DEFAULTS.k),
  HNSW_EF: intFrom(10, 2000).default(RETRIEVAL_DEFAULTS.ef),
  RETRIEVAL_CANDIDATES: intFrom(5, 1000).default(RETRIEVAL_DEFAULTS.candidates),
  RERANKER: z.enum(RERANKER_NAMES).default(RETRIEVAL_DEFAULTS.reranker),
  REFUSAL_MIN_COVERAGE: z.coerce.number().min(0).max(1).default(RETRIEVAL_DEFAULTS.refusalMinCoverage),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DISCORD_TOKEN: z.string().optional(),
  DISCORD_CLIENT_ID: z
    .string()
    .regex(/^\d{17,20}$/, "must be the application id (a 17-20 digit number)")
    .optional(),
  DISCORD_GUILD_ID: z
    .string()
    .regex(/^\d{17,20}$/, "must be a server id (a 17-20 digit number)")
    .optional(),
  DISCORD_API_URL: z.string().url().default(DISCORD_DEFAULT_API),
  ASK_COOLDOWN_SECONDS: intFrom(0, 3600).default(10),
  ANSWER_CONCURRENCY: intFrom(1, 16).default(2),
  MAX_QUESTION_LENGTH: intFrom(20, 4000).default(500),
  FEEDBACK_FILE: z.string().min(1).default("data/feedback.jsonl"),
  UPLOAD_DIR: z.string().min(1).default("uploads"),
  UPLOAD_MAX_BYTES: intFrom(1, 25 * 1024 * 1024).default(1024 * 1024),
});

export type RawSettings = z.infer<typeof schema>;

/** Every setting this project reads; .env.example documents each of them. */
export const SETTING_NAMES = Object.keys(schema.shape) as Array<keyof RawSettings>;

export interface Config {
  corpusDir: string;
  indexDir: string;
  embeddingProvider: "builtin" | "ollama";
  chatProvider: "extractive" | "ollama";
  ollama: {
    /** Normalised base URL, e.g. http://127.0.0.1:11434 */
    host: string;
    embedModel: string;
    chatModel: string;
    /** Longest silence: before the first byte and between chunks. */
    timeoutMs: number;
    /** Longest time for a whole chat answer, however steadily it trickles in. */
    answerTimeoutMs: number;
    numCtx: number;
    embedBatchSize: number;
    embedConcurrency: number;
  };
  chunking: { size: number; overlap: number };
  retrieval: RetrievalSettings;
  logLevel: RawSettings["LOG_LEVEL"];
  /** Limits of the question-and-answer flow, the same whichever front end (Discord or another) asks. */
  chat: {
    cooldownSeconds: number;
    answerConcurrency: number;
    maxQuestionLength: number;
    feedbackFile: string;
  };
  /** Articles added from Discord (/addarticle): where they are saved and how large one may be. */
  uploads: {
    /** Absolute; always inside corpusDir, so the ingest reads what is saved there. */
    dir: string;
    maxBytes: number;
  };
  /** What only the Discord adapter needs: where Discord is and who the bot is. */
  discord: {
    token: string | undefined;
    clientId: string | undefined;
    guildId: string | undefined;
    apiUrl: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid settings (fix them in .env or the environment):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

/**
 * Ollama users set OLLAMA_HOST as "host", "host:port", ":port" or a full URL; ollama-js does
 * not read it, so we normalise it the way the Ollama CLI (envconfig.Host) and ollama-js do:
 * without a scheme, http and port 11434; with one, the scheme's own port (80 or 443). Credentials
 * and a path (an Ollama behind a reverse proxy at /ollama) are kept.
 */
export function normaliseOllamaHost(value: string): string {
  let v = value.trim();
  if (v === "") v = "127.0.0.1:11434";
  if (v.startsWith(":")) v = `127.0.0.1${v}`;
  const explicitScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(v);
  if (!explicitScheme) v = `http://${v}`;
  const url = new URL(v);
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`unsupported scheme ${url.protocol}`);
  const port =
    url.port !== "" ? url.port : explicitScheme ? (url.protocol === "https:" ? "443" : "80") : "11434";
  url.port = port;
  url.search = "";
  url.hash = "";
  // URL drops a port that is the scheme's default (http://h:80 → http://h); it means the same.
  return url.href.replace(/\/+$/, "");
}

export interface LoadConfigOptions {
  /** Environment to read; defaults to process.env (after .env is loaded). */
  env?: NodeJS.ProcessEnv;
  /** Load `.env` from the working directory first (never overrides real env vars). */
  dotenv?: boolean;
  cwd?: string;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  if (options.dotenv !== false && options.env === undefined) {
    const file = path.join(cwd, ".env");
    if (existsSync(file)) loadDotenv({ path: file, quiet: true });
  }
  const env = options.env ?? process.env;
  // Empty strings mean "unset" so that a copied .env.example with blank values works.
  const cleaned = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, env[k] === "" ? undefined : env[k]]),
  );
  const parsed = schema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join(".")}: ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  const s = parsed.data;
  let host = "";
  try {
    host = normaliseOllamaHost(s.OLLAMA_HOST);
  } catch {
    problems.push(`OLLAMA_HOST: "${s.OLLAMA_HOST}" is not a host, host:port or URL`);
  }
  if (s.CHUNK_OVERLAP >= s.CHUNK_SIZE) problems.push("CHUNK_OVERLAP: must be smaller than CHUNK_SIZE");
  if (s.CHAT_PROVIDER === "ollama") {
    // A context that cannot hold the rules, one whole passage and the answer leaves the model
    // nothing to answer from: every question would end in a refusal, with no error anywhere.
    const needed = minimumNumCtx(s.CHUNK_SIZE);
    if (s.OLLAMA_NUM_CTX < needed) {
      problems.push(
        `OLLAMA_NUM_CTX: ${s.OLLAMA_NUM_CTX} tokens cannot hold the instructions, one passage of CHUNK_SIZE=${s.CHUNK_SIZE} characters and the answer; use at least ${needed}`,
      );
    }
  }
  if (s.OLLAMA_ANSWER_TIMEOUT_MS < s.OLLAMA_TIMEOUT_MS) {
    problems.push(
      "OLLAMA_ANSWER_TIMEOUT_MS: must be at least OLLAMA_TIMEOUT_MS (the whole answer outlasts any one pause)",
    );
  }
  const corpusDir = path.resolve(cwd, s.CORPUS_DIR);
  const uploadDir = path.resolve(corpusDir, s.UPLOAD_DIR);
  if (path.isAbsolute(s.UPLOAD_DIR) || !uploadDir.startsWith(corpusDir + path.sep)) {
    problems.push(
      `UPLOAD_DIR: "${s.UPLOAD_DIR}" must be a folder inside CORPUS_DIR, given relative to it (e.g. uploads)`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    corpusDir,
    indexDir: path.resolve(cwd, s.INDEX_DIR),
    embeddingProvider: s.EMBEDDING_PROVIDER,
    chatProvider: s.CHAT_PROVIDER,
    ollama: {
      host,
      embedModel: s.OLLAMA_EMBED_MODEL,
      chatModel: s.OLLAMA_CHAT_MODEL,
      timeoutMs: s.OLLAMA_TIMEOUT_MS,
      answerTimeoutMs: s.OLLAMA_ANSWER_TIMEOUT_MS,
      numCtx: s.OLLAMA_NUM_CTX,
      embedBatchSize: s.OLLAMA_EMBED_BATCH,
      embedConcurrency: s.OLLAMA_EMBED_CONCURRENCY,
    },
    chunking: { size: s.CHUNK_SIZE, overlap: s.CHUNK_OVERLAP },
    retrieval: {
      ...RETRIEVAL_DEFAULTS,
      k: s.RETRIEVAL_K,
      ef: s.HNSW_EF,
      candidates: s.RETRIEVAL_CANDIDATES,
      reranker: s.RERANKER,
      refusalMinCoverage: s.REFUSAL_MIN_COVERAGE,
    },
    logLevel: s.LOG_LEVEL,
    chat: {
      cooldownSeconds: s.ASK_COOLDOWN_SECONDS,
      answerConcurrency: s.ANSWER_CONCURRENCY,
      maxQuestionLength: s.MAX_QUESTION_LENGTH,
      feedbackFile: path.resolve(cwd, s.FEEDBACK_FILE),
    },
    uploads: { dir: uploadDir, maxBytes: s.UPLOAD_MAX_BYTES },
    discord: {
      token: s.DISCORD_TOKEN,
      clientId: s.DISCORD_CLIENT_ID,
      guildId: s.DISCORD_GUILD_ID,
      apiUrl: s.DISCORD_API_URL.replace(/\/+$/, ""),
    },
  };
}

/** The bot needs a token and an application id; checked only by the entry points that use them. */
export function requireDiscordSettings(
  config: Config,
  needs: { token?: boolean; clientId?: boolean },
): { token: string; clientId: string } {
  const problems: string[] = [];
  if (needs.token && !config.discord.token) {
    problems.push("DISCORD_TOKEN: not set (the bot token from the Discord developer portal)");
  } else if (needs.token && !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(config.discord.token ?? "")) {
    problems.push("DISCORD_TOKEN: does not look like a bot token (three dot-separated parts)");
  }
  if (needs.clientId && !config.discord.clientId) {
    problems.push("DISCORD_CLIENT_ID: not set (the application id from the Discord developer portal)");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { token: config.discord.token ?? "", clientId: config.discord.clientId ?? "" };
}
