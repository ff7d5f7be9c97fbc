/**
 * /addarticle and /removearticle end to end: the real discord.js client against the local fake
 * Discord (which also serves the attachment's bytes on 127.0.0.1), the real app over a copy of
 * the repo's corpus, ingests in the child process.
 */
import { cp, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { UserError } from "../../src/errors.js";
import { FakeAnswerer } from "../fakes/answerer.js";
import { type Harness, SAMPLE_INDEX, startHarness } from "../fakes/discord/harness.js";
import type { FakeInteraction } from "../fakes/discord/server.js";
import { CORPUS, REPO, tempDir } from "../helpers/ingest-helpers.js";

const ARTICLE = [
  "# 小模型的开源之路",
  "",
  "## 一、背景",
  "",
  "越来越多的团队选择开源小模型，因为它们部署成本低，可以在单张显卡上运行。",
  "",
  "## 二、闭源的回应",
  "",
  "闭源厂商则通过更低的接口价格和更长的上下文窗口来留住开发者。",
  "",
].join("\n");

const bytes = (text: string) => new TextEncoder().encode(text);

describe("/addarticle and /removearticle", () => {
  let h: Harness;
  let root = "";
  let cleanup: () => Promise<void> = async () => {};
  let corpusDir = "";

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir("articles-e2e"));
    corpusDir = path.join(root, "corpus");
    await cp(CORPUS, corpusDir, { recursive: true });
    h = await startHarness({
      env: (fake) => ({
        CORPUS_DIR: corpusDir,
        INDEX_DIR: path.join(root, "index"),
        UPLOAD_MAX_BYTES: "32768",
        BLOCKED_USER_IDS: fake.user("mallory").id,
      }),
      pipeline: async (config, logger) => {
        const app = await createApp(config, { logger });
        await app.ensureIndex();
        return {
          answerer: app.answerer,
          describeIndex: () => app.describeIndex(),
          reindex: (onProgress) => app.reindex(onProgress),
          articles: { ingest: (onProgress) => app.reindexSummary(onProgress), fetch: globalThis.fetch },
          close: () => app.close(),
        };
      },
    });
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    await cleanup();
  });

  /** The reply once it has stopped changing into a progress line: the last edit of the original. */
  const finalReply = (i: FakeInteraction, done: RegExp) =>
    h.fake.waitFor(() => (done.test(i.original?.content ?? "") ? i.original?.content : undefined), 30_000);

  const attachmentFetches = () => h.fake.requests.filter((r) => r.path.startsWith("/attachments/"));

  it("adds an article: downloaded, checked, saved under uploads/, ingested, reported, logged with who", async () => {
    const before = await h.bot.context.describeIndex();
    const fetchesBefore = attachmentFetches().length;
    const i = h.fake.slashCommand({
      name: "addarticle",
      permissions: "admin",
      attachments: { file: { filename: "../../小模型 开源?.md", bytes: bytes(ARTICLE) } },
    });
    const content = await finalReply(i, /^(✅|未添加)/);
    expect(i.ack?.type).toBe(5);
    expect(i.ack?.flags).toBe(64);
    expect(content).toContain("✅ 已添加 **小模型的开源之路**（`uploads/小模型-开源.md`）");
    expect(content).toMatch(/保留 \d+ 段、2 个标题，清理掉 0 块页面杂项/);
    expect(content).toContain("/sources");
    expect(content).toMatch(/索引：files 1 added/);
    expect(attachmentFetches().length).toBe(fetchesBefore + 1);
    expect(await readFile(path.join(corpusDir, "uploads", "小模型-开源.md"), "utf8")).toBe(ARTICLE);

    const after = await h.bot.context.describeIndex();
    expect(after.sources.length).toBe(before.sources.length + 1);
    expect(after.sources.find((s) => s.source === "uploads/小模型-开源.md")?.title).toBe("小模型的开源之路");

    const added = h.logs.find((l) => l.msg === "article added from Discord");
    expect(added).toMatchObject({
      command: "addarticle",
      userId: i.userId,
      userTag: "alice",
      file: "uploads/小模型-开源.md",
    });
    const interactionToken = i.token;
    expect(h.rawLogs.join("")).not.toContain(interactionToken);
    expect(h.fake.violations).toEqual([]);

    // And the bot answers from it.
    const ask = h.fake.slashCommand({ name: "ask", options: { question: "开源小模型为什么部署成本低？" } });
    const answer = await h.fake.waitFor(() => ask.original?.embeds[0]?.description, 20_000);
    expect(answer).toContain("单张显卡");
  });

  it("reports the page furniture cleaning removed from a captured web page, and removes it again", async () => {
    const page = await readFile(
      path.join(REPO, "tests", "fixtures", "captures", "pages", "cn-news-pricewar.html"),
    );
    const added = h.fake.slashCommand({
      name: "addarticle",
      permissions: "admin",
      locale: "en-US",
      attachments: { file: { filename: "price war.HTML", bytes: page, contentType: "text/html" } },
    });
    const content = await finalReply(added, /^(✅|`)/);
    const kept =
      /✅ Added \*\*.+\*\* \(`uploads\/price-war\.html`\): (\d+) passages and (\d+) headings kept, (\d+) blocks of page furniture/.exec(
        content,
      );
    expect(kept, content).not.toBeNull();
    expect(Number(kept?.[1])).toBeGreaterThan(0);
    expect(Number(kept?.[3])).toBeGreaterThan(0);

    const removed = h.fake.slashCommand({
      name: "removearticle",
      permissions: "admin",
      locale: "en-US",
      options: { name: "uploads/price-war.html" },
    });
    expect(await finalReply(removed, /^(✅|`)/)).toMatch(
      /^✅ Deleted `uploads\/price-war\.html` and updated the index\./,
    );
  });

  it("refuses a member without Manage Server, before downloading anything", async () => {
    const fetches = attachmentFetches().length;
    const i = h.fake.slashCommand({
      name: "addarticle",
      attachments: { file: { filename: "x.md", bytes: bytes(ARTICLE) } },
    });
    await h.fake.waitFor(() => i.ack);
    expect(i.ack?.type).toBe(4);
    expect(i.ack?.data?.content).toBe("只有拥有“管理服务器”权限的成员才能添加或删除文章。");
    expect(attachmentFetches().length).toBe(fetches);
    expect(
      h.logs.some((l) => l.msg === "addarticle refused: missing Manage Server" && l.userId === i.userId),
    ).toBe(true);
  });

  const refusal = async (file: { filename: string; bytes: Uint8Array; url?: string }, locale?: string) => {
    const i = h.fake.slashCommand({
      name: "addarticle",
      permissions: "admin",
      attachments: { file },
      ...(locale ? { locale } : {}),
    });
    return finalReply(i, /^(✅|未添加|`[^`]*` was not added)/);
  };

  it("refuses, with the reason, what it cannot or must not add", async () => {
    const fetches = attachmentFetches().length;
    expect(await refusal({ filename: "paper.pdf", bytes: bytes("%PDF-1.4") })).toBe(
      "未添加 `paper.pdf`：不支持的文件类型（.pdf），只接受 .md、.txt、.html。",
    );
    expect(await refusal({ filename: "big.md", bytes: bytes("大".repeat(14_000)) })).toBe(
      "未添加 `big.md`：文件太大（42 KB），上限是 32 KB。",
    );
    // Type and size are known from the interaction: nothing was downloaded for either.
    expect(attachmentFetches().length).toBe(fetches);

    expect(
      await refusal({
        filename: "elsewhere.md",
        bytes: bytes(ARTICLE),
        url: "http://198.51.100.7/elsewhere.md",
      }),
    ).toBe("未添加 `elsewhere.md`：附件地址（198.51.100.7）不是 Discord 的，未下载。");

    const existing = await readFile(path.join(corpusDir, "ai-globalization-open-vs-closed-tradeoff.md"));
    expect(await refusal({ filename: "copy.md", bytes: existing })).toBe(
      "未添加 `copy.md`：内容与已有文章 `ai-globalization-open-vs-closed-tradeoff.md` 完全相同。",
    );
    expect(await refusal({ filename: "Open-vs-Closed-LLM-Full-Comparison.txt", bytes: bytes(ARTICLE) })).toBe(
      "未添加 `Open-vs-Closed-LLM-Full-Comparison.txt`：文章库里已有同名文件 `open-vs-closed-llm-full-comparison.txt`。",
    );
    expect(await refusal({ filename: "blank.txt", bytes: bytes(" \n\n \n") })).toBe(
      "未添加 `blank.txt`：导入时会被跳过：no article text left after cleaning。",
    );
    expect(
      await refusal(
        { filename: "broken.md", bytes: bytes("---\ntitle: [unclosed\n---\n正文内容。") },
        "en-US",
      ),
    ).toMatch(/^`broken\.md` was not added: the import would skip it: .*front matter/);
    // Nothing of these reached the corpus.
    await expect(stat(path.join(corpusDir, "uploads", "copy.md"))).rejects.toThrow();
    await expect(stat(path.join(corpusDir, "uploads", "blank.txt"))).rejects.toThrow();
    expect(h.logs.filter((l) => l.msg === "article refused").length).toBeGreaterThanOrEqual(7);
    expect(h.fake.violations).toEqual([]);
  });

  it("completes /removearticle's name from the corpus files, for admins only", async () => {
    const admin = h.fake.autocomplete({
      name: "removearticle",
      option: "name",
      value: "UPLOAD",
      permissions: "admin",
    });
    await h.fake.waitFor(() => admin.ack);
    expect(admin.ack?.type).toBe(8);
    expect(admin.ack?.data?.choices).toEqual([
      { name: "uploads/小模型-开源.md", value: "uploads/小模型-开源.md" },
    ]);

    const all = h.fake.autocomplete({
      name: "removearticle",
      option: "name",
      value: "",
      permissions: "admin",
    });
    await h.fake.waitFor(() => all.ack);
    const names = ((all.ack?.data?.choices ?? []) as Array<{ value: string }>).map((c) => c.value);
    expect(names).toContain("open-vs-closed-llm-full-comparison.txt");
    // Sidecars are not articles.
    expect(names.some((n) => n.endsWith(".meta.yaml"))).toBe(false);

    const member = h.fake.autocomplete({ name: "removearticle", option: "name", value: "" });
    await h.fake.waitFor(() => member.ack);
    expect(member.ack?.data?.choices).toEqual([]);

    // A blocked user is offered nothing, whatever their permissions.
    const blocked = h.fake.autocomplete({
      name: "removearticle",
      option: "name",
      value: "",
      permissions: "admin",
      user: h.fake.user("mallory"),
    });
    await h.fake.waitFor(() => blocked.ack);
    expect(blocked.ack?.type).toBe(8);
    expect(blocked.ack?.data?.choices).toEqual([]);
  });

  it("removes an article and reindexes; refuses a name that is not a corpus file", async () => {
    const missing = h.fake.slashCommand({
      name: "removearticle",
      permissions: "admin",
      options: { name: "../../etc/passwd" },
    });
    expect(await finalReply(missing, /^(✅|未删除)/)).toBe(
      "未删除 `../../etc/passwd`：文章库里没有 `../../etc/passwd`（请从自动补全列表中选择）。",
    );

    const i = h.fake.slashCommand({
      name: "removearticle",
      permissions: "admin",
      options: { name: "uploads/小模型-开源.md" },
    });
    const content = await finalReply(i, /^(✅|未删除)/);
    expect(content).toContain("✅ 已删除 `uploads/小模型-开源.md` 并更新索引。");
    expect(content).toMatch(/files 0 added, 0 changed, \d+ unchanged, 1 removed/);
    await expect(stat(path.join(corpusDir, "uploads", "小模型-开源.md"))).rejects.toThrow();
    const sources = await h.bot.context.describeIndex();
    expect(sources.sources.some((s) => s.source.startsWith("uploads/"))).toBe(false);
    expect(h.logs.findLast((l) => l.msg === "article removed from Discord")).toMatchObject({
      command: "removearticle",
      userId: i.userId,
      userTag: "alice",
      file: "uploads/小模型-开源.md",
    });
    expect(h.fake.violations).toEqual([]);
  });

  it("registers both commands with their zh-CN names, Manage Server only", async () => {
    const { commandDefinitions } = await import("../../src/discord/commands/registry.js");
    const defs = commandDefinitions({ maxQuestionLength: 500 });
    const add = defs.find((d) => d.name === "addarticle");
    const remove = defs.find((d) => d.name === "removearticle");
    expect(add?.name_localizations?.["zh-CN"]).toBe("添加文章");
    expect(remove?.name_localizations?.["zh-CN"]).toBe("删除文章");
    expect(add?.default_member_permissions).toBe("32");
    expect(add?.options?.[0]).toMatchObject({ name: "file", type: 11, required: true });
    expect(remove?.options?.[0]).toMatchObject({ name: "name", type: 3, autocomplete: true });
  });
});

describe("/addarticle when the ingest fails", () => {
  let h: Harness;
  let cleanup: () => Promise<void> = async () => {};
  let corpusDir = "";

  beforeAll(async () => {
    let root = "";
    ({ dir: root, cleanup } = await tempDir("articles-e2e-fail"));
    corpusDir = path.join(root, "corpus");
    await cp(CORPUS, corpusDir, { recursive: true });
    h = await startHarness({
      env: { CORPUS_DIR: corpusDir, INDEX_DIR: path.join(root, "index") },
      pipeline: async () => ({
        answerer: new FakeAnswerer(),
        describeIndex: async () => SAMPLE_INDEX,
        reindex: async () => "",
        articles: {
          ingest: async (onProgress) => {
            onProgress("reading the corpus");
            throw new UserError("ingest-locked", "another ingest (pid 1) is running on this index");
          },
          fetch: globalThis.fetch,
        },
      }),
    });
  });
  afterAll(async () => {
    await h?.stop();
    await cleanup();
  });

  it("takes the file out again and says why", async () => {
    const i = h.fake.slashCommand({
      name: "addarticle",
      permissions: "admin",
      locale: "en-US",
      attachments: { file: { filename: "new.md", bytes: bytes(ARTICLE) } },
    });
    const content = await h.fake.waitFor(
      () => (/^The import failed/.test(i.original?.content ?? "") ? i.original?.content : undefined),
      20_000,
    );
    expect(content).toBe(
      "The import failed; the change to `uploads/new.md` was undone and the index is unchanged.\nAnother ingest is running; please try again shortly.",
    );
    await expect(stat(path.join(corpusDir, "uploads", "new.md"))).rejects.toThrow();
    expect(h.bot.context.reindexing.running).toBe(false);
  });

  it("refuses while another change or /reindex runs", async () => {
    h.bot.context.reindexing.running = true;
    try {
      const i = h.fake.slashCommand({
        name: "addarticle",
        permissions: "admin",
        attachments: { file: { filename: "new.md", bytes: bytes(ARTICLE) } },
      });
      await h.fake.waitFor(() => i.ack);
      expect(i.ack?.data?.content).toBe("索引正在重建中，请等它完成后再添加或删除文章。");
    } finally {
      h.bot.context.reindexing.running = false;
    }
  });
});
