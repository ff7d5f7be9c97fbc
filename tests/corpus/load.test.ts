/** loadCorpus and parseArticle: walking, sidecars, duplicates and the reasons given for skips. */
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCorpus, parseArticle, sha256 } from "../../src/corpus/load.js";
import { tempDir } from "../helpers/ingest-helpers.js";

const BODY = "这是一篇用于测试的文章，正文足够长，可以形成一个段落。";
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

let dir = "";
let cleanup: () => Promise<void> = async () => {};
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir("corpus-load"));
});
afterEach(() => cleanup());

const put = async (name: string, text: string) => {
  await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
  await writeFile(path.join(dir, name), text);
};

describe("parseArticle", () => {
  it("builds an article with its format, content hash, metadata and cleaned body", () => {
    const bytes = utf8(`---\ntitle: 标题\nurl: https://example.org/a\n---\n${BODY}\n`);
    const article = parseArticle("dir/a.md", bytes);
    expect(article).toEqual({
      source: "dir/a.md",
      sha256: sha256(bytes),
      format: "markdown",
      meta: { title: "标题", url: "https://example.org/a" },
      body: BODY,
    });
  });

  it("lets sidecar fields override front matter field by field", () => {
    const bytes = utf8(
      `---\ntitle: 原标题\nurl: https://example.org/old\nauthor: 甲\ndate: 2024-01-01\n---\n${BODY}`,
    );
    const article = parseArticle("a.md", bytes, { title: "新标题", date: "2024-02-02" });
    expect(article.meta).toEqual({
      title: "新标题",
      url: "https://example.org/old",
      author: "甲",
      date: "2024-02-02",
    });
  });

  it("gives a reason for each kind of unusable content", () => {
    expect(() => parseArticle("a.doc", utf8(BODY))).toThrow("unsupported file type");
    expect(() => parseArticle("a.md", new Uint8Array())).toThrow("empty file");
    expect(() => parseArticle("a.md", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toThrow(
      "binary",
    );
    expect(() => parseArticle("a.md", utf8("---\nx: [\n---\n正文"))).toThrow("malformed front matter");
    expect(() => parseArticle("a.txt", utf8("在这里插入图片描述\n\n   \n"))).toThrow(
      "no article text left after cleaning",
    );
  });

  it("accepts upper-case extensions", () => {
    expect(parseArticle("A.MD", utf8(`# 标题\n\n${BODY}`)).format).toBe("markdown");
    expect(parseArticle("B.HTM", utf8(`<h1>标题</h1><p>${BODY}</p>`)).format).toBe("html");
  });
});

describe("loadCorpus", () => {
  it("walks sub-directories in name order, skips hidden files and reads sidecars", async () => {
    await put("b.md", `# 乙\n\n${BODY}乙`);
    await put("a/z.txt", `甲的标题行\n\n${BODY}甲`);
    await put("a/z.txt.meta.yml", "title: 来自边车文件的标题\nauthor: 丙\n");
    await put(".hidden.md", `# 隐藏\n\n${BODY}`);
    await put(".git/config.md", `# 也隐藏\n\n${BODY}`);
    const { articles, skipped } = await loadCorpus(dir);
    expect(skipped).toEqual([]);
    expect(articles.map((a) => [a.source, a.meta.title])).toEqual([
      ["a/z.txt", "来自边车文件的标题"],
      ["b.md", "乙"],
    ]);
    expect(articles[0]?.meta.author).toBe("丙");
  });

  it("reads a JSON sidecar too", async () => {
    await put("a.txt", `标题行\n\n${BODY}`);
    await put("a.txt.meta.json", '{"title": "JSON 标题", "url": "https://example.org/j"}');
    const { articles } = await loadCorpus(dir);
    expect(articles[0]?.meta).toMatchObject({ title: "JSON 标题", url: "https://example.org/j" });
  });

  it("skips an article whose sidecar is broken, naming the sidecar", async () => {
    await put("a.txt", `标题行\n\n${BODY}`);
    await put("a.txt.meta.yaml", "title: [broken\n");
    const { articles, skipped } = await loadCorpus(dir);
    expect(articles).toEqual([]);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.source).toBe("a.txt");
    expect(skipped[0]?.reason).toContain("a.txt.meta.yaml");
  });

  it("keeps the first of exact duplicates by path order and names it in the reason", async () => {
    const text = `# 同一篇\n\n${BODY}`;
    await put("x/copy.md", text);
    await put("a-original.md", text);
    await put("z/again.md", text);
    const { articles, skipped } = await loadCorpus(dir);
    expect(articles.map((a) => a.source)).toEqual(["a-original.md"]);
    expect(skipped).toEqual([
      { source: "x/copy.md", reason: "exact duplicate of a-original.md" },
      { source: "z/again.md", reason: "exact duplicate of a-original.md" },
    ]);
  });

  it("does not call two empty files duplicates: each is skipped as empty", async () => {
    await put("a.md", "");
    await put("b.md", "");
    const { skipped } = await loadCorpus(dir);
    expect(skipped).toEqual([
      { source: "a.md", reason: "empty file" },
      { source: "b.md", reason: "empty file" },
    ]);
  });

  it("follows a link to a directory once, even when links form a loop", async () => {
    await put("real/a.md", `# 甲\n\n${BODY}`);
    await symlink(path.join(dir, "real"), path.join(dir, "also-real"));
    await symlink(dir, path.join(dir, "real", "loop"));
    const { articles, skipped } = await loadCorpus(dir);
    expect(skipped).toEqual([]);
    expect(articles.map((a) => a.source)).toEqual(["also-real/a.md"]);
  });
});
