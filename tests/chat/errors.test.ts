import pino from "pino";
import { describe, expect, it } from "vitest";
import { presentError, ShuttingDownError } from "../../src/chat/errors.js";
import { MESSAGES } from "../../src/chat/i18n.js";
import { QueueClosedError } from "../../src/chat/queue.js";
import { UserError } from "../../src/errors.js";
import { detectLanguage, languageFromLocale } from "../../src/text/language.js";

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "debug" }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { logger, lines };
}

describe("presentError", () => {
  it("explains a UserError honestly in the user's language", () => {
    const { logger, lines } = capture();
    const err = new UserError("ollama-unreachable", "connect ECONNREFUSED 127.0.0.1:11434");
    const zh = presentError(err, "zh", logger, { command: "ask", userId: "1" });
    const en = presentError(err, "en", logger, { command: "ask", userId: "1" });
    expect(zh).toBe(MESSAGES.zh.userError["ollama-unreachable"]);
    expect(zh).toMatch(/Ollama/);
    expect(en).toMatch(/can't be reached/);
    expect(lines[0]).toMatchObject({ level: 40, command: "ask", userId: "1", code: "ollama-unreachable" });
  });

  it("logs anything else with context and shows only a short generic apology", () => {
    const { logger, lines } = capture();
    const shown = presentError(new TypeError("cannot read x of undefined at /secret/path"), "en", logger, {
      command: "ask",
      userId: "7",
    });
    expect(shown).toBe(MESSAGES.en.genericError);
    expect(shown).not.toMatch(/secret|undefined/);
    expect(lines[0]).toMatchObject({ level: 50, command: "ask", userId: "7" });
    expect(JSON.stringify(lines[0])).toContain("cannot read x");
  });

  it("tells users the bot is restarting when it refuses work while stopping", () => {
    const { logger } = capture();
    expect(presentError(new ShuttingDownError(), "zh", logger, {})).toBe(MESSAGES.zh.shuttingDown);
    expect(presentError(new QueueClosedError(), "en", logger, {})).toBe(MESSAGES.en.shuttingDown);
  });

  it("has a message for every UserError code in both languages", () => {
    for (const lang of ["zh", "en"] as const) {
      for (const text of Object.values(MESSAGES[lang].userError)) expect(text.length).toBeGreaterThan(5);
    }
  });
});

describe("language", () => {
  it("answers CJK questions in Chinese, others in English", () => {
    expect(detectLanguage("开源模型更安全吗")).toBe("zh");
    expect(detectLanguage("Is Llama 3 open source？")).toBe("zh");
    expect(detectLanguage("Is Llama 3 open source?")).toBe("en");
    expect(languageFromLocale("zh-TW")).toBe("zh");
    expect(languageFromLocale("en-US")).toBe("en");
    expect(languageFromLocale(undefined)).toBe("en");
  });
});
