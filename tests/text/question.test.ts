import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { normaliseQuestion } from "../../src/text/question.js";

const REPO = path.resolve(import.meta.dirname, "../..");
const Q = "开源和闭源在安全性方面有什么区别？";
const text = (raw: string) => normaliseQuestion(raw).text;

describe("normaliseQuestion", () => {
  it.each([
    ["user mentions", `<@123456789012345678> ${Q} <@!123456789012345678>`],
    ["a role mention", `<@&123456789012345678> ${Q}`],
    ["a channel mention", `${Q} <#123456789012345678>`],
    ["a slash-command mention", `</ask:123456789012345678> ${Q}`],
    ["@everyone before", `@everyone ${Q}`],
    ["@here after", `${Q} @here`],
    ["custom emoji", `<:thinking:123456789012345678>${Q}<a:party:123456789012345678>`],
    ["a code fence", `\`\`\`\n${Q}\n\`\`\``],
    ["a code fence with a language tag", `\`\`\`text\n${Q}\n\`\`\``],
    ["a one-line code fence", `\`\`\`${Q}\`\`\``],
    ["inline code", `\`${Q}\``],
    ["bold and spoiler markup", `**${Q}**`],
    ["a quote", `> ${Q}`],
    ["a block quote", `>>> ${Q}`],
    ["a quote without a space", `>${Q}`],
    ["a heading", `## ${Q}`],
    ["numbering 1.", `1. ${Q}`],
    ["numbering 2)", `2) ${Q}`],
    ["numbering 3、", `3、${Q}`],
    ["numbering （4）", `（4）${Q}`],
    ["a dash bullet", `- ${Q}`],
    ["a bullet dot", `• ${Q}`],
    ["a trailing (0)", `${Q} (0)`],
    ["a trailing （0）", `${Q}（0）`],
    ["a trailing #12", `${Q} #12`],
    ["a trailing [3]", `${Q}[3]`],
    ["a trailing 【3】", `${Q}【3】`],
    ["zero-width characters", `\u200b${Q.slice(0, 4)}\u200d${Q.slice(4)}\ufeff`],
    ["control characters", `\u0007${Q}\u0000`],
    ["bidi marks", `\u202b${Q}\u202c\u200f`],
    ["full-width spaces", `\u3000${Q}\u3000\u3000`],
    ["trailing emoji", `${Q} 🤔🔥`],
    ["trailing emoji with a skin tone", `${Q}👍🏽`],
    ["a leading keycap", `1️⃣ ${Q}`],
    ["extra spaces and newlines", `\n\n   ${Q}   \n\n`],
    ["numbering, tag and emoji together", `> 1. ${Q} (0) 🙏`],
  ])("removes %s", (_, raw) => {
    expect(text(raw)).toBe(Q);
  });

  it("sets links aside, wherever they are, and keeps them for logs", () => {
    const before = normaliseQuestion(`https://example.com/a?b=1&c=(2) ${Q}`);
    expect(before.text).toBe(Q);
    expect(before.urls).toEqual(["https://example.com/a?b=1&c=(2)"]);
    const glued = normaliseQuestion(`${Q}https://example.com/x.`);
    expect(glued.text).toBe(Q);
    expect(glued.urls).toEqual(["https://example.com/x"]);
    const suppressed = normaliseQuestion(`<https://example.com/p> ${Q} www.example.org/q`);
    expect(suppressed.text).toBe(Q);
    expect(suppressed.urls).toEqual(["https://example.com/p", "www.example.org/q"]);
  });

  it("keeps a Markdown link's text and sets its address aside", () => {
    const r = normaliseQuestion("[这篇文章](https://example.com/a) 说 GPT-3 有多少参数？");
    expect(r.text).toBe("这篇文章 说 GPT-3 有多少参数？");
    expect(r.urls).toEqual(["https://example.com/a"]);
  });

  it("keeps the original for display", () => {
    const raw = `<@&123456789012345678> ${Q} (0)`;
    expect(normaliseQuestion(raw).original).toBe(raw);
  });

  it("leaves nothing of a question made only of decoration", () => {
    for (const raw of [
      "",
      "   ",
      "\u200b\u200b\u200d",
      "\u3000",
      "@everyone",
      "<@&123456789012345678> <#123456789012345678>",
      "https://example.com",
      "```\n```",
      "> ",
      "🤔🤔",
      "(0)",
      "#12",
    ])
      expect(text(raw), JSON.stringify(raw)).toBe("");
  });

  it("changes no wording: numbers, versions and words that only look like decoration stay", () => {
    for (const raw of [
      "GPT-3 有多少参数？",
      "1.5B 参数的模型够用吗？",
      "2024年开源模型有哪些进展？",
      "What about C#12?",
      "Email me@here.com about GPT-4",
      "Llama 3 和 GPT-4 (2023) 哪个更好？",
      "开源 和 闭源 哪个好?",
      "ＧＰＴ－３有多少参数？",
    ])
      expect(text(raw)).toBe(raw);
  });

  it("is idempotent", () => {
    for (const raw of [
      `<@&1234567890123456789> > 1. **${Q}** https://a.b/c (0) 🙏`,
      "[x](https://a.b) `y` ||z||",
      `\`\`\`js\n${Q}\n\`\`\` #3`,
    ]) {
      const once = text(raw);
      expect(text(once)).toBe(once);
    }
  });

  it("leaves every question of the question sets exactly as it is", () => {
    for (const file of ["eval/questions.jsonl", "eval/heldout.jsonl"]) {
      const lines = readFileSync(path.join(REPO, file), "utf8").split("\n").filter(Boolean);
      for (const line of lines) {
        const { question } = JSON.parse(line) as { question: string };
        expect(text(question)).toBe(question);
      }
    }
  });
});
