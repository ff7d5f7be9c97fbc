/**
 * loadCorpus, listCorpusFiles and parseArticle: walking, the reader registry, sidecars,
 * duplicates and the reasons given for skips.
 */
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listCorpusFiles, loadArticles, loadCorpus, parseArticle, sha256 } from "../../src/corpus/load.js";
import { type DocumentReader, READERS, readerFor } from "../../src/corpus/readers.js";
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
      removed: [],
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

describe("loadArticles in parallel", () => {
  it("reads and parses several files at once but judges them in corpus order: same articles, skips and duplicates", async () => {
    // A failed parse must not register its bytes: an identical later file is parsed on its own.
    const broken = "---\nx: [\n---\n正文";
    await put("01-broken.md", broken);
    await put("02-same-broken.md", broken);
    await put("03-original.md", `# 同一篇\n\n${BODY}`);
    await put("04-copy.md", `# 同一篇\n\n${BODY}`);
    await put("05-empty.md", "");
    await put("06-other.txt", `另一篇\n\n${BODY}再多一句。`);
    await put("06-other.txt.meta.yaml", "title: [broken\n");
    await put("07-notes.doc", BODY);
    for (let i = 0; i < 12; i++)
      await put(`08-many/${String(i).padStart(2, "0")}.md`, `# 第${i}篇\n\n${BODY}${i}`);
    await put("09-copy-of-many.md", `# 第3篇\n\n${BODY}3`);
    const files = await listCorpusFiles(dir);

    const sequential = await loadArticles(files);
    // Later files finish first: each parse waits longer the earlier its file comes.
    let started = 0;
    const parallel = await loadArticles(files, READERS, {
      parallelism: 6,
      parse: async (source, bytes, sidecar) => {
        const wait = 30 - 2 * started++;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
        return parseArticle(source, bytes, sidecar);
      },
    });
    expect(parallel).toEqual(sequential);
    expect(sequential.articles.map((a) => a.source)).toContain("03-original.md");
    expect(sequential.skipped.map((s) => s.source)).toEqual([
      "01-broken.md",
      "02-same-broken.md",
      "04-copy.md",
      "05-empty.md",
      "06-other.txt",
      "07-notes.doc",
      "09-copy-of-many.md",
    ]);
    expect(started).toBeGreaterThan(10);
  });
});

describe("listCorpusFiles", () => {
  it("lists what loading reads, sidecars included, hidden files and folders left out, in load order", async () => {
    await put("b.md", `# 乙\n\n${BODY}`);
    await put("a/z.txt", `甲\n\n${BODY}`);
    await put("a/z.txt.meta.yml", "title: 边车\n");
    await put("notes.pdf", "%PDF-1.4");
    await put(".hidden.md", `# 隐藏\n\n${BODY}`);
    await put(".git/config.md", `# 也隐藏\n\n${BODY}`);
    const files = await listCorpusFiles(dir);
    expect(files.map((f) => f.source)).toEqual(["a/z.txt", "a/z.txt.meta.yml", "b.md", "notes.pdf"]);
    expect(files[0]?.path).toBe(path.join(dir, "a", "z.txt"));
  });
});

describe("reader registry", () => {
  /** A made-up format: a CSV of "heading,paragraph" rows, read into Markdown. */
  const csvReader: DocumentReader = {
    format: "markdown",
    read: (bytes) =>
      Buffer.from(bytes)
        .toString("utf8")
        .trim()
        .split("\n")
        .map((row) => {
          const [heading, paragraph] = row.split(",");
          return `## ${heading}\n\n${paragraph}`;
        })
        .join("\n\n"),
  };

  it("maps each builtin extension to a reader, case-insensitively", () => {
    expect(Object.keys(READERS).sort()).toEqual([".htm", ".html", ".markdown", ".md", ".txt"]);
    expect(readerFor("A.MD")?.format).toBe("markdown");
    expect(readerFor("x.htm")?.format).toBe("html");
    expect(readerFor("x.pdf")).toBeUndefined();
    expect(readerFor("x.constructor")).toBeUndefined();
  });

  it("skips a file of an unknown extension with a reason naming the expected ones", async () => {
    await put("a.md", `# 甲\n\n${BODY}`);
    await put("table.csv", `背景,${BODY}`);
    const { articles, skipped } = await loadCorpus(dir);
    expect(articles.map((a) => a.source)).toEqual(["a.md"]);
    expect(skipped).toEqual([
      { source: "table.csv", reason: "unsupported file type (expected .md .markdown .txt .html .htm)" },
    ]);
  });

  it("reads a new format once it is registered: one entry, one reader", async () => {
    await put("table.csv", `背景,${BODY}\n影响,${BODY}影响`);
    const { articles, skipped } = await loadCorpus(dir, { ...READERS, ".csv": csvReader });
    expect(skipped).toEqual([]);
    expect(articles).toHaveLength(1);
    expect(articles[0]).toMatchObject({ source: "table.csv", format: "markdown" });
    expect(articles[0]?.body).toContain("## 影响");
  });
});
