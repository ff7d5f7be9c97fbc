/**
 * Questions as people type them in Discord: the public questions (eval/questions.jsonl) decorated
 * with mentions, links, fences, quotes, numbering, invisible characters, full-width punctuation
 * and emoji. Through the real answerer over the real corpus, each decorated question must get the
 * refusal decision and the first citation its plain form gets (issue 14).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskResult } from "../../src/types.js";
import { createTestApp, REPO, type TestApp } from "../helpers/app.js";

const PUBLIC = new Map(
  readFileSync(path.join(REPO, "eval/questions.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id: string; question: string })
    .map((q) => [q.id, q.question]),
);
/** The question the issue was filed about (refused once it carried a role mention). */
const SECURITY = "开源和闭源在安全性方面有什么区别？";

function question(id: string): string {
  if (id === "issue") return SECURITY;
  const q = PUBLIC.get(id);
  if (!q) throw new Error(`no public question ${id}`);
  return q;
}

const ROLE = "<@&123456789012345678>";
const USER = "<@!234567890123456789>";
const CHANNEL = "<#345678901234567890>";

/** [what decorates it, public question id, decorate]. */
const VARIANTS: Array<[string, string, (q: string) => string]> = [
  ["a role mention", "issue", (q) => `${ROLE} ${q}`],
  ["@everyone before", "issue", (q) => `@everyone ${q}`],
  ["@everyone after", "issue", (q) => `${q} @everyone`],
  ["a URL before", "issue", (q) => `https://example.com/post?id=7 ${q}`],
  ["a code fence", "issue", (q) => `\`\`\`\n${q}\n\`\`\``],
  ["a (0) suffix", "issue", (q) => `${q} (0)`],
  ["a #12 suffix", "issue", (q) => `${q} #12`],
  ["a user mention and a channel mention", "p01", (q) => `${USER} ${q} ${CHANNEL}`],
  ["@here and a URL after", "p02", (q) => `@here ${q} https://example.com/a.`],
  ["a link suppressed with <> before", "p03", (q) => `<https://example.com/gpt3> ${q}`],
  ["a code fence with a language tag", "p08", (q) => `\`\`\`text\n${q}\n\`\`\``],
  ["inline code", "p05", (q) => `\`${q}\``],
  ["quote markup", "p06", (q) => `> ${q}`],
  ["block-quote markup over lines", "p07", (q) => `>>> ${q}\n\n`],
  ["numbering 1.", "p04", (q) => `1. ${q}`],
  ["a ```text fence", "issue", (q) => `\`\`\`text\n${q}\n\`\`\``],
  ["numbering 2) and a [3] suffix", "p09", (q) => `2) ${q} [3]`],
  ["a bullet and a （4） suffix", "p10", (q) => `• ${q}（4）`],
  ["zero-width characters inside", "p11", (q) => `\u200b${[...q].join("\u200b")}\u200d\ufeff`],
  ["full-width spaces and ASCII punctuation", "p12", (q) => `\u3000\u3000${q.replace("？", "?")}\u3000`],
  ["full-width letters and digits", "p03", (q) => q.replace("GPT-3", "ＧＰＴ－３")],
  ["trailing emoji", "p13", (q) => `${q} 🤔🔥`],
  ["a custom emoji and a skin-toned emoji", "p14", (q) => `<:thinking:123456789012345678> ${q} 👍🏽`],
  ["extra spaces and newlines", "p15", (q) => `\n\n  ${q.replace("和", "和   ")}  \n\n`],
  ["everything at once", "p16", (q) => `${ROLE} > 1. **${q}** https://example.com (0) 🙏`],
  ["a role mention (English)", "e02", (q) => `${ROLE} ${q}`],
  ["a URL and emoji (English)", "e01", (q) => `${q} https://example.com/edu 🎓`],
  ["a role mention (off-topic)", "n01", (q) => `${ROLE} ${q}`],
  ["a code fence (boilerplate)", "n02", (q) => `\`\`\`\n${q}\n\`\`\` #12`],
];

let t: TestApp;
const plain = new Map<string, Promise<AskResult>>();
const askPlain = (q: string) => {
  let r = plain.get(q);
  if (!r) {
    r = t.app.answerer.ask(q);
    plain.set(q, r);
  }
  return r;
};

beforeAll(async () => {
  t = await createTestApp();
  await t.app.ensureIndex();
});
afterAll(() => t.cleanup());

describe("decorated questions are answered like the plain ones", () => {
  it("has a table of at least 20 variants, answerable and not", () => {
    expect(VARIANTS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(VARIANTS.map(([, id]) => id)).size).toBeGreaterThanOrEqual(15);
  });

  it.each(VARIANTS)("%s (%s)", async (_, id, decorate) => {
    const q = question(id);
    const expected = await askPlain(q);
    const decorated = decorate(q);
    expect(decorated).not.toBe(q);
    const got = await t.app.answerer.ask(decorated);
    expect(got.refused).toBe(expected.refused);
    expect(got.citations[0]?.id).toBe(expected.citations[0]?.id);
    expect(got.language).toBe(expected.language);
  });

  it("the issue's question is answered, with citations, under every decoration", async () => {
    const r = await askPlain(SECURITY);
    expect(r.refused).toBe(false);
    expect(r.citations.length).toBeGreaterThan(0);
  });
});
