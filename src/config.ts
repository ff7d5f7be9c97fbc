/**
 * The only module that reads the environment. Every setting is validated at start-up and all
 * problems are reported together, so a user fixes their `.env` in one pass rather than one
 * error at a time.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { config as loadDotenv } from "dotenv";
import { z } from "zod";
import { minimumNumCtx } from "./answer/prompt.js";

export const DISCORD_DEFAULT_API = "https://discord.com/api";

/** LOG_FORMAT: "pretty", one readable line per record; "json", one JSON object per record. */
export const LOG_FORMATS = ["pretty", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A comma-separated list of Discord ids (snowflakes); blank: no list. */
const snowflakeList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((id) => id.trim())
      .filter((id) => id !== ""),
  )
  .superRefine((ids, ctx) => {
    const bad = ids.filter((id) => !/^\d{17,20}$/.test(id));
    if (bad.length > 0)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `not Discord ids (17-20 digit numbers, comma-separated): ${bad.join(", ")}`,
      });
  });

/** "true"/"false" as people write them in .env; z.coerce.boolean would read "false" as true. */
const onOff = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], {
    errorMap: () => ({ message: "must be true or false" }),
  })
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

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
  /**
   * HNSW search breadth (HNSW_EF), for model embeddings (the builtin vectors are searched exactly).
   * 300: the breadth at which M 24 / efConstruction 200 graphs reach recall@10 0.95 at 100k
   * dense passages (bench/RESULTS.md: 0.947 at 256, 0.987 at 512).
   */
  ef: number;
  /**
   * Threads one search of a large index is shared between (SEARCH_THREADS): the builtin
   * embedder's exact dense scan, and BM25. Default: the machine's cores, up to 4 (each more
   * thread saves less than the last and costs a message). HNSW (model embeddings) ignores it.
   */
  searchThreads: number;
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
  /**
   * Comparison: a passage speaks for a side on the aspect asked about when it expresses this share
   * of what the best of the first k passages expresses of the question.
   */
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
  ef: 300,
  searchThreads: Math.min(4, availableParallelism()),
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
  SEARCH_THREADS: intFrom(1, 16).default(RETRIEVAL_DEFAULTS.searchThreads),
  RETRIEVAL_CANDIDATES: intFrom(5, 1000).default(RETRIEVAL_DEFAULTS.candidates),
  RERANKER: z.enum(RERANKER_NAMES).default(RETRIEVAL_DEFAULTS.reranker),
  REFUSAL_MIN_COVERAGE: z.coerce.number().min(0).max(1).default(RETRIEVAL_DEFAULTS.refusalMinCoverage),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // No default on purpose: unset, each script keeps its own (json for the bot, pretty for the CLI tools).
  LOG_FORMAT: z.enum(LOG_FORMATS).optional(),
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
  HEALTH_FILE: z.string().min(1).default("data/health.json"),
  ASK_COOLDOWN_SECONDS: intFrom(0, 3600).default(10),
  ANSWER_CONCURRENCY: intFrom(1, 16).default(2),
  MAX_QUESTION_LENGTH: intFrom(20, 4000).default(500),
  FEEDBACK_FILE: z.string().min(1).default("data/feedback.jsonl"),
  ALLOWED_CHANNEL_IDS: snowflakeList,
  ALLOWED_ROLE_IDS: snowflakeList,
  BLOCKED_USER_IDS: snowflakeList,
  // No default here: unset means "on unless ALLOWED_ROLE_IDS is set" (see loadConfig).
  ALLOW_DMS: onOff.optional(),
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
  /** LOG_FORMAT; undefined: the entry script's default (json for the bot and register-commands). */
  logFormat: LogFormat | undefined;
  /** Rewritten while the bot's gateway connection is ready; scripts/healthcheck.ts judges its age. */
  healthFile: string;
  /** Limits of the question-and-answer flow, the same whichever front end (Discord or another) asks. */
  chat: {
    cooldownSeconds: number;
    answerConcurrency: number;
    maxQuestionLength: number;
    feedbackFile: string;
  };
  /**
   * Who may use the bot (src/discord/access.ts decides). Empty lists mean no restriction. Roles
   * cannot be checked in a DM, so with a role list DMs are off unless ALLOW_DMS says otherwise.
   */
  access: {
    allowedChannelIds: string[];
    allowedRoleIds: string[];
    blockedUserIds: string[];
    allowDms: boolean;
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
  /** Discord settings the caller cannot run without, checked in the same pass as the rest. */
  require?: DiscordNeeds;
}

/** Which Discord settings an entry point needs (the bot: token; register-commands: token and id). */
export interface DiscordNeeds {
  token?: boolean;
  clientId?: boolean;
  guildId?: boolean;
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
  // Each setting is parsed on its own, so that the checks across settings below still run when
  // another setting is malformed: every problem is reported in one pass.
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodTypeAny>)) {
    const parsed = field.safeParse(cleaned[name]);
    if (parsed.success) values[name] = parsed.data;
    else for (const issue of parsed.error.issues) problems.push(`${name}: ${issue.message}`);
  }
  // Only the settings that parsed are read below; the ones that did not already have a problem.
  const v = values as Partial<RawSettings>;
  let host = "";
  if (v.OLLAMA_HOST !== undefined) {
    try {
      host = normaliseOllamaHost(v.OLLAMA_HOST);
    } catch {
      problems.push(`OLLAMA_HOST: "${v.OLLAMA_HOST}" is not a host, host:port or URL`);
    }
  }
  if (v.CHUNK_OVERLAP !== undefined && v.CHUNK_SIZE !== undefined && v.CHUNK_OVERLAP >= v.CHUNK_SIZE)
    problems.push("CHUNK_OVERLAP: must be smaller than CHUNK_SIZE");
  if (v.CHAT_PROVIDER === "ollama" && v.CHUNK_SIZE !== undefined && v.OLLAMA_NUM_CTX !== undefined) {
    // A context that cannot hold the rules, one whole passage and the answer leaves the model
    // nothing to answer from: every question would end in a refusal, with no error anywhere.
    const needed = minimumNumCtx(v.CHUNK_SIZE);
    if (v.OLLAMA_NUM_CTX < needed) {
      problems.push(
        `OLLAMA_NUM_CTX: ${v.OLLAMA_NUM_CTX} tokens cannot hold the instructions, one passage of CHUNK_SIZE=${v.CHUNK_SIZE} characters and the answer; use at least ${needed}`,
      );
    }
  }
  if (
    v.OLLAMA_ANSWER_TIMEOUT_MS !== undefined &&
    v.OLLAMA_TIMEOUT_MS !== undefined &&
    v.OLLAMA_ANSWER_TIMEOUT_MS < v.OLLAMA_TIMEOUT_MS
  ) {
    problems.push(
      "OLLAMA_ANSWER_TIMEOUT_MS: must be at least OLLAMA_TIMEOUT_MS (the whole answer outlasts any one pause)",
    );
  }
  if (options.require) {
    problems.push(
      ...discordProblems(
        { token: v.DISCORD_TOKEN, clientId: v.DISCORD_CLIENT_ID, guildId: v.DISCORD_GUILD_ID },
        options.require,
        // A malformed id is already reported; "not set" would contradict it.
        { clientId: "DISCORD_CLIENT_ID" in values, guildId: "DISCORD_GUILD_ID" in values },
      ),
    );
  }
  const corpusDir = path.resolve(cwd, v.CORPUS_DIR ?? ".");
  const uploadDir = path.resolve(corpusDir, v.UPLOAD_DIR ?? "uploads");
  if (
    v.UPLOAD_DIR !== undefined &&
    (path.isAbsolute(v.UPLOAD_DIR) || !uploadDir.startsWith(corpusDir + path.sep))
  ) {
    problems.push(
      `UPLOAD_DIR: "${v.UPLOAD_DIR}" must be a folder inside CORPUS_DIR, given relative to it (e.g. uploads)`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const s = v as RawSettings;

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
      searchThreads: s.SEARCH_THREADS,
      candidates: s.RETRIEVAL_CANDIDATES,
      reranker: s.RERANKER,
      refusalMinCoverage: s.REFUSAL_MIN_COVERAGE,
    },
    logLevel: s.LOG_LEVEL,
    logFormat: s.LOG_FORMAT,
    healthFile: path.resolve(cwd, s.HEALTH_FILE),
    chat: {
      cooldownSeconds: s.ASK_COOLDOWN_SECONDS,
      answerConcurrency: s.ANSWER_CONCURRENCY,
      maxQuestionLength: s.MAX_QUESTION_LENGTH,
      feedbackFile: path.resolve(cwd, s.FEEDBACK_FILE),
    },
    access: {
      allowedChannelIds: s.ALLOWED_CHANNEL_IDS,
      allowedRoleIds: s.ALLOWED_ROLE_IDS,
      blockedUserIds: s.BLOCKED_USER_IDS,
      allowDms: s.ALLOW_DMS ?? s.ALLOWED_ROLE_IDS.length === 0,
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

/**
 * The bot needs a token and an application id; checked only by the entry points that use them
 * (in loadConfig's pass when they pass `require`, so that they come with every other problem).
 */
export function requireDiscordSettings(
  config: Config,
  needs: DiscordNeeds,
): { token: string; clientId: string; guildId: string } {
  const problems = discordProblems(config.discord, needs);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    token: config.discord.token ?? "",
    clientId: config.discord.clientId ?? "",
    guildId: config.discord.guildId ?? "",
  };
}

function discordProblems(
  discord: { token: string | undefined; clientId: string | undefined; guildId: string | undefined },
  needs: DiscordNeeds,
  parsed: { clientId: boolean; guildId: boolean } = { clientId: true, guildId: true },
): string[] {
  const problems: string[] = [];
  if (needs.token && !discord.token) {
    problems.push("DISCORD_TOKEN: not set (the bot token from the Discord developer portal)");
  } else if (needs.token && !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(discord.token ?? "")) {
    problems.push("DISCORD_TOKEN: does not look like a bot token (three dot-separated parts)");
  }
  if (needs.clientId && !discord.clientId && parsed.clientId) {
    problems.push("DISCORD_CLIENT_ID: not set (the application id from the Discord developer portal)");
  }
  if (needs.guildId && !discord.guildId && parsed.guildId) {
    problems.push("DISCORD_GUILD_ID: not set (the id of the server whose commands --guild clears)");
  }
  return problems;
}
