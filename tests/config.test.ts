import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  loadConfig,
  normaliseOllamaHost,
  RETRIEVAL_DEFAULTS,
  requireDiscordSettings,
  SETTING_NAMES,
} from "../src/config.js";
import { REPO } from "./helpers/app.js";

const load = (env: Record<string, string>) => loadConfig({ env, cwd: "/srv/bot" });

describe("config", () => {
  it("gives the offline defaults with no settings at all", () => {
    const c = load({});
    expect(c.embeddingProvider).toBe("builtin");
    expect(c.chatProvider).toBe("extractive");
    expect(c.corpusDir).toBe("/srv/bot/corpus");
    expect(c.indexDir).toBe("/srv/bot/data/index");
    expect(c.ollama.host).toBe("http://127.0.0.1:11434");
    expect(c.discord.apiUrl).toBe("https://discord.com/api");
  });

  it("reports every problem at once", () => {
    let error: unknown;
    try {
      load({ EMBEDDING_PROVIDER: "magic", CHUNK_SIZE: "ten", DISCORD_CLIENT_ID: "abc" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/EMBEDDING_PROVIDER/);
    expect(problems).toMatch(/CHUNK_SIZE/);
    expect(problems).toMatch(/DISCORD_CLIENT_ID/);
  });

  it("reports malformed settings, checks across settings and missing Discord settings in one pass", () => {
    let error: unknown;
    try {
      loadConfig({
        env: {
          EMBEDDING_PROVIDER: "magic",
          CHUNK_SIZE: "300",
          CHUNK_OVERLAP: "300",
          OLLAMA_TIMEOUT_MS: "60000",
          OLLAMA_ANSWER_TIMEOUT_MS: "1000",
        },
        cwd: "/srv/bot",
        require: { token: true, clientId: true, guildId: true },
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      expect.stringMatching(/^EMBEDDING_PROVIDER: /),
      "CHUNK_OVERLAP: must be smaller than CHUNK_SIZE",
      expect.stringMatching(/^OLLAMA_ANSWER_TIMEOUT_MS: must be at least OLLAMA_TIMEOUT_MS/),
      expect.stringMatching(/^DISCORD_TOKEN: not set/),
      expect.stringMatching(/^DISCORD_CLIENT_ID: not set/),
      expect.stringMatching(/^DISCORD_GUILD_ID: not set/),
    ]);
  });

  it("does not call a malformed Discord id 'not set' as well", () => {
    let error: unknown;
    try {
      loadConfig({ env: { DISCORD_CLIENT_ID: "abc" }, require: { clientId: true } });
    } catch (err) {
      error = err;
    }
    expect((error as ConfigError).problems).toEqual([
      "DISCORD_CLIENT_ID: must be the application id (a 17-20 digit number)",
    ]);
  });

  it("reads LOG_FORMAT, pretty or json; unset leaves each script its own default", () => {
    expect(load({}).logFormat).toBeUndefined();
    expect(load({ LOG_FORMAT: "pretty" }).logFormat).toBe("pretty");
    expect(load({ LOG_FORMAT: "json" }).logFormat).toBe("json");
    expect(() => load({ LOG_FORMAT: "yaml" })).toThrow(/LOG_FORMAT: /);
  });

  it("treats blank values as unset, so a copied .env.example works", () => {
    expect(load({ DISCORD_TOKEN: "", OLLAMA_HOST: "", RETRIEVAL_K: "" }).retrieval.k).toBe(5);
  });

  it("keeps retrieval's calibrated defaults and reads the few tunables a user may change", () => {
    expect(load({}).retrieval).toEqual(RETRIEVAL_DEFAULTS);
    expect(RETRIEVAL_DEFAULTS).toMatchObject({
      candidates: 50,
      rrfC: 60,
      rerankDepth: 20,
      listHead: 10,
      rerankWeight: 0.6,
      denseWeight: { builtin: 0.5, model: 1 },
      refusalMinCoverage: 0.4,
      nearDuplicateJaccard: 0.8,
      sideAspectShare: 0.5,
      reranker: "coverage",
    });
    const tuned = load({
      RETRIEVAL_CANDIDATES: "80",
      RERANKER: "none",
      REFUSAL_MIN_COVERAGE: "0.5",
      SEARCH_THREADS: "3",
    }).retrieval;
    expect(tuned).toMatchObject({
      candidates: 80,
      reranker: "none",
      refusalMinCoverage: 0.5,
      searchThreads: 3,
    });
    expect(RETRIEVAL_DEFAULTS.searchThreads).toBe(Math.min(4, availableParallelism()));
    let error: unknown;
    try {
      load({ RERANKER: "cohere", REFUSAL_MIN_COVERAGE: "2", SEARCH_THREADS: "0" });
    } catch (err) {
      error = err;
    }
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/RERANKER/);
    expect(problems).toMatch(/REFUSAL_MIN_COVERAGE/);
    expect(problems).toMatch(/SEARCH_THREADS/);
  });

  it("reads OLLAMA_HOST the way Ollama's own CLI does", () => {
    expect(normaliseOllamaHost("gpu-box")).toBe("http://gpu-box:11434");
    expect(normaliseOllamaHost(":8080")).toBe("http://127.0.0.1:8080");
    expect(normaliseOllamaHost("https://ollama.example.org")).toBe("https://ollama.example.org");
    expect(normaliseOllamaHost("10.0.0.5:11500")).toBe("http://10.0.0.5:11500");
    // With a scheme the port is the scheme's own (80), as in the CLI and ollama-js; path and credentials stay.
    expect(normaliseOllamaHost("http://ollama.example.com")).toBe("http://ollama.example.com");
    expect(normaliseOllamaHost("http://ollama.example.com:80")).toBe("http://ollama.example.com");
    expect(normaliseOllamaHost("https://u:p@proxy.example.com/ollama/")).toBe(
      "https://u:p@proxy.example.com/ollama",
    );
    expect(normaliseOllamaHost("gpu-box/ollama")).toBe("http://gpu-box:11434/ollama");
  });

  it("refuses an OLLAMA_NUM_CTX with no room for the rules, one passage and the answer", () => {
    expect(() => load({ CHAT_PROVIDER: "ollama", OLLAMA_NUM_CTX: "1024" })).toThrow(
      /OLLAMA_NUM_CTX: 1024 tokens cannot hold/,
    );
    expect(load({ CHAT_PROVIDER: "ollama", OLLAMA_NUM_CTX: "4096" }).ollama.numCtx).toBe(4096);
    // Without a chat model the context is never used: no reason to refuse it.
    expect(load({ OLLAMA_NUM_CTX: "1024" }).ollama.numCtx).toBe(1024);
    expect(load({}).ollama.answerTimeoutMs).toBe(180_000);
    expect(() => load({ OLLAMA_TIMEOUT_MS: "60000", OLLAMA_ANSWER_TIMEOUT_MS: "1000" })).toThrow(
      /OLLAMA_ANSWER_TIMEOUT_MS/,
    );
  });

  it("asks for the Discord token only where it is needed, and never echoes it", () => {
    const c = load({});
    expect(() => requireDiscordSettings(c, { token: true })).toThrow(/DISCORD_TOKEN: not set/);
    const bad = load({ DISCORD_TOKEN: "s3cr3t-but-malformed" });
    try {
      requireDiscordSettings(bad, { token: true });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/DISCORD_TOKEN/);
      expect((err as Error).message).not.toContain("s3cr3t");
    }
  });

  it("keeps the front-end-neutral chat limits apart from the Discord settings", () => {
    const c = load({
      ASK_COOLDOWN_SECONDS: "3",
      ANSWER_CONCURRENCY: "4",
      MAX_QUESTION_LENGTH: "300",
      FEEDBACK_FILE: "votes.jsonl",
    });
    expect(c.chat).toEqual({
      cooldownSeconds: 3,
      answerConcurrency: 4,
      maxQuestionLength: 300,
      feedbackFile: "/srv/bot/votes.jsonl",
    });
    expect(Object.keys(c.discord).sort()).toEqual(["apiUrl", "clientId", "guildId", "token"]);
  });

  it("documents every setting in .env.example", () => {
    const example = readFileSync(path.join(REPO, ".env.example"), "utf8");
    const documented = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual([...SETTING_NAMES].sort());
  });
});
