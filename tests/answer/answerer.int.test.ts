import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contains } from "../../src/eval/metrics.js";
import { createTestApp, type TestApp } from "../helpers/app.js";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.ensureIndex();
});
afterAll(() => t.cleanup());

describe("answers from the builtin, model-free pipeline", () => {
  it("answers a comparison with both sides, every claim cited", async () => {
    const r = await t.app.answerer.ask("开源大模型和闭源大模型在成本上有什么区别？");
    expect(r.refused).toBe(false);
    expect(r.answer).toContain("**开源**");
    expect(r.answer).toContain("**闭源**");
    const open = r.answer.slice(r.answer.indexOf("**开源**"), r.answer.indexOf("**闭源**"));
    const closed = r.answer.slice(r.answer.indexOf("**闭源**"));
    expect(open).toMatch(/成本|免费/);
    expect(closed).toMatch(/成本|费用|许可证/);
    // Every line of content ends with a citation, and every citation is used.
    for (const line of r.answer.split("\n").filter((l) => l.startsWith("- ")))
      expect(line).toMatch(/\[\d+\]$/);
    const markers = new Set([...r.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
    expect([...markers].sort()).toEqual(r.citations.map((c) => c.n));
    for (const c of r.citations) {
      expect(c.text.length).toBeGreaterThan(0);
      expect(c.source).toMatch(/\.(txt|md|html)$/);
    }
  });

  it("quotes only sentences that are in the passages it cites", async () => {
    const r = await t.app.answerer.ask("BERT 有什么特点？");
    for (const line of r.answer.split("\n")) {
      const m = /^- (.*)\[(\d+)\]$/.exec(line);
      if (!m) continue;
      const cited = r.citations.find((c) => c.n === Number(m[2]));
      expect(cited && contains(cited.text, m[1] ?? "")).toBe(true);
    }
    expect(r.answer).toContain("双向");
  });

  it("reports at least ten fused passages with their headings", async () => {
    const r = await t.app.answerer.ask("闭源大模型有哪些优势？");
    expect(r.retrieved.length).toBeGreaterThanOrEqual(10);
    expect(r.retrieved.map((p) => p.rank)).toEqual(r.retrieved.map((_, i) => i + 1));
    expect(new Set(r.retrieved.map((p) => p.id)).size).toBe(r.retrieved.length);
  });

  it("answers an English question about the Chinese articles, citing the Chinese passage", async () => {
    const r = await t.app.answerer.ask("Why are open-source models valuable for education and research?");
    expect(r.refused).toBe(false);
    expect(r.language).toBe("en");
    expect(r.citations.some((c) => c.text.includes("教育"))).toBe(true);
  });

  it.each([
    ["What is the capital of France?", "en"],
    ["GPT-5 有多少参数？", "zh"],
    ["如何用 Docker-compose 部署 Jenkins 容器？", "zh"],
    ["大模型学习的第一阶段有哪些内容？", "zh"],
    ["How do I bake sourdough bread?", "en"],
  ])("refuses %s in the question's language, citing nothing", async (question, language) => {
    const r = await t.app.answerer.ask(question);
    expect(r.refused).toBe(true);
    expect(r.citations).toEqual([]);
    expect(r.answer).toMatch(language === "zh" ? /没有涉及/ : /do not cover/);
  });

  it("understands a follow-up from the earlier turns", async () => {
    const r = await t.app.answerer.ask("那安全性呢？", {
      history: [
        { role: "user", content: "开源和闭源大模型在成本上有什么区别？" },
        { role: "assistant", content: "……" },
      ],
    });
    expect(r.refused).toBe(false);
    expect(r.question).toContain("安全");
    expect(r.answer).toContain("**闭源**");
    expect(r.answer).toContain("安全");
  });

  it("serves a newly swapped-in index build on the next question without a restart", async () => {
    const before = await t.app.index.current();
    await t.app.reindex(undefined, { full: true });
    const after = await t.app.index.current();
    expect(after.buildId).not.toBe(before.buildId);
    const r = await t.app.answerer.ask("GPT-3 有多少参数？");
    expect(r.answer).toContain("1750亿");
  });
});
