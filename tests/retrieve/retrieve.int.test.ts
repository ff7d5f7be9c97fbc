import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/logger.js";
import { passageSide } from "../../src/retrieve/passages.js";
import { REPO } from "../helpers/app.js";

let dir: string;
let app: App;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "llm-bot-retrieve-"));
  await cp(path.join(REPO, "corpus"), path.join(dir, "corpus"), { recursive: true });
  // A near copy of one article (a reprint on another site): not an exact duplicate, so it is
  // ingested, but its passages must not crowd the results twice.
  const original = await readFile(path.join(dir, "corpus", "open-vs-closed-llm-full-comparison.txt"), "utf8");
  await writeFile(path.join(dir, "corpus", "reprint.txt"), original.replace("全面对比", "全面对比（转载）"));
  app = await createApp(loadConfig({ cwd: dir, env: { LOG_LEVEL: "silent" } }), { logger: silentLogger });
  await app.ensureIndex();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("hybrid retrieval", () => {
  it("collapses near-duplicate passages from two articles into one", async () => {
    const r = await app.answerer.ask("开源和闭源大模型在定制性方面有什么区别？");
    const texts = r.retrieved.map((p) => p.text);
    expect(new Set(texts).size).toBe(texts.length);
    const sources = new Set(r.retrieved.map((p) => p.source));
    expect(sources.has("reprint.txt") && sources.has("open-vs-closed-llm-full-comparison.txt")).toBe(false);
  });

  it("gives each side of a comparison a passage on the aspect asked about", async () => {
    const index = await app.index.current();
    const r = await app.answerer.ask("Which is cheaper, open or closed models?");
    const cited = r.citations.map((c) => index.passages.get(c.id));
    const sides = new Set(cited.map((c) => (c ? passageSide(c) : null)));
    expect(sides.has("open") || sides.has("both")).toBe(true);
    expect(sides.has("closed") || sides.has("both")).toBe(true);
    expect(r.answer).toContain("**Open source**");
    expect(r.answer).toContain("**Closed source**");
  });

  it("finds a passage that only the lexical index ranks high (a rare name in a long passage)", async () => {
    const r = await app.answerer.ask("以百度为代表的厂商采用什么样的大模型商业模式？");
    expect(r.retrieved[0]?.text).toContain("以百度");
    expect(r.answer).toContain("只提供商业化接口");
  });
});
