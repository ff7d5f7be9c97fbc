/**
 * A general comparison is answered as an overview of the aspects the articles compare, one cited
 * line per side each; a one-sided question gets one side; a comparison over a table answers each
 * side from the table's columns.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/logger.js";
import { createTestApp, type TestApp } from "../helpers/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.ensureIndex();
});
afterAll(() => t.cleanup());

describe("the shape of the answer follows the question", () => {
  it.each([
    ["请比较开源与闭源大模型", "开源：", "闭源："],
    ["compare open and closed models", "Open source: ", "Closed source: "],
  ])("answers %s with at least three aspects, each side cited", async (question, open, closed) => {
    const r = await t.app.answerer.ask(question);
    expect(r.refused).toBe(false);
    const aspects = r.answer.split("\n").filter((l) => /^\*\*.+\*\*$/.test(l));
    expect(aspects.length).toBeGreaterThanOrEqual(3);
    const openLines = r.answer.split("\n").filter((l) => l.startsWith(`- ${open}`));
    const closedLines = r.answer.split("\n").filter((l) => l.startsWith(`- ${closed}`));
    expect(openLines.length).toBe(aspects.length);
    expect(closedLines.length).toBe(aspects.length);
    for (const line of [...openLines, ...closedLines]) expect(line).toMatch(/\[\d+\]$/);
    expect(r.citations.length).toBeGreaterThan(1);
  });

  it("answers a one-sided question with that side only", async () => {
    const r = await t.app.answerer.ask("开源模型有哪些优势？");
    expect(r.refused).toBe(false);
    expect(r.answer).not.toContain("**闭源**");
    expect(r.answer).not.toContain("**开源**");
  });
});

describe("a comparison over a table", () => {
  let dir = "";
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("answers each side from its column, the row naming the aspect", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "table-answer-"));
    await writeFile(
      path.join(dir, "table.md"),
      [
        "# 部署方式对比",
        "",
        "下表是我们团队在两种方案上的实际体验，供选型时参考。两种方案各有适用的场景，需要结合数据敏感度判断。",
        "",
        "| 方面 | 开源 | 闭源 |",
        "| --- | --- | --- |",
        "| 维护 | 自己负责升级和监控 | 提供商负责 |",
        "| 部署 | 可完全自托管，支持本地部署 | 只能调用云端接口 |",
      ].join("\n"),
    );
    const config = loadConfig({
      env: { CORPUS_DIR: dir, INDEX_DIR: path.join(dir, "index") },
      dotenv: false,
    });
    const app = await createApp(config, { logger: silentLogger });
    await app.ensureIndex();
    const r = await app.answerer.ask("开源和闭源在部署上有什么区别？");
    expect(r.refused).toBe(false);
    expect(r.answer).toContain("部署 — 开源：可完全自托管，支持本地部署");
    expect(r.answer).toContain("部署 — 闭源：只能调用云端接口");
    expect(r.answer).not.toContain("文章没有谈到");
  });
});
