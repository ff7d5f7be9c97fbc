import { beforeAll, describe, expect, it } from "vitest";
import { type ChunkingOptions, chunkArticle, chunkId, embeddingText } from "../../src/chunk/chunker.js";
import { loadCorpus } from "../../src/corpus/load.js";
import { splitSentences } from "../../src/text/sentences.js";
import type { Article, Chunk } from "../../src/types.js";
import { CORPUS } from "../helpers/ingest-helpers.js";

function article(body: string, source = "a.md", title = "标题"): Article {
  return { source, sha256: "0", format: "markdown", meta: { title }, body };
}

/** A Chinese sentence of exactly `n` characters ending in 。, tagged so each is distinct. */
function sentence(tag: string, n: number): string {
  return `${tag}${"字".repeat(Math.max(0, n - tag.length - 1))}。`;
}

/** Every invariant a set of chunks of one article must satisfy. */
function checkInvariants(a: Article, chunks: Chunk[], options: ChunkingOptions): void {
  chunks.forEach((c, k) => {
    expect(c.ordinal).toBe(k);
    expect(c.source).toBe(a.source);
    expect(c.title).toBe(a.meta.title);
    expect(c.id).toBe(chunkId(a.source, c.text));
    // Offsets slice back to the text, modulo collapsed blank lines.
    expect(a.body.slice(c.start, c.end).replace(/\n{2,}/g, "\n")).toBe(c.text);
    expect(c.end - c.start).toBeLessThanOrEqual(options.size);
    expect(c.text.trim()).toBe(c.text);
    expect(c.text).not.toMatch(/^#{1,6} /m);
    const prev = chunks[k - 1];
    if (prev && prev.headingPath.join("/") === c.headingPath.join("/") && c.start < prev.end) {
      // Overlap: whole trailing sentences of the previous passage, no more than `overlap` characters…
      expect(prev.end - c.start).toBeLessThanOrEqual(options.overlap);
      expect(prev.text.endsWith(a.body.slice(c.start, prev.end).replace(/\n{2,}/g, "\n"))).toBe(true);
    }
    // …and every passage brings text the previous one did not have.
    if (prev) expect(c.end).toBeGreaterThan(prev.end);
  });
  // Every sentence of the body (outside headings) is inside some passage.
  let offset = 0;
  for (const line of a.body.split("\n")) {
    if (!/^#{1,6} /.test(line)) {
      for (const s of splitSentences(line)) {
        const start = offset + s.start;
        const end = offset + s.end;
        expect(chunks.some((c) => c.start <= start && c.end >= Math.min(end, start + options.size))).toBe(
          true,
        );
      }
    }
    offset += line.length + 1;
  }
}

describe("chunkArticle", () => {
  it("packs sentences up to the target size and repeats trailing sentences as overlap", () => {
    const body = Array.from({ length: 10 }, (_, i) => sentence(`第${i}句`, 30)).join("");
    const a = article(body);
    const chunks = chunkArticle(a, { size: 100, overlap: 30 });
    // 30-character sentences: three fit in 100; one (30) fits in the overlap.
    expect(chunks.map((c) => c.text.length)).toEqual([90, 90, 90, 90, 60]);
    expect(chunks[1]?.text.startsWith(sentence("第2句", 30))).toBe(true);
    expect(chunks[0]?.text.endsWith(sentence("第2句", 30))).toBe(true);
    checkInvariants(a, chunks, { size: 100, overlap: 30 });
  });

  it("repeats nothing when the overlap is zero", () => {
    const a = article(Array.from({ length: 6 }, (_, i) => sentence(`第${i}句`, 30)).join(""));
    const chunks = chunkArticle(a, { size: 100, overlap: 0 });
    expect(chunks.map((c) => [c.start, c.end])).toEqual([
      [0, 90],
      [90, 180],
    ]);
  });

  it("never emits a passage that holds nothing but the previous passage's overlap", () => {
    // 70 + 20 fit; the next sentence (90) does not fit after the 20-character overlap sentence.
    const a = article(
      [sentence("甲", 70), sentence("乙", 20), sentence("丙", 90), sentence("丁", 10)].join(""),
    );
    const options = { size: 100, overlap: 30 };
    const chunks = chunkArticle(a, options);
    checkInvariants(a, chunks, options);
    expect(chunks.map((c) => c.text[0])).toEqual(["甲", "丙"]);
  });

  it("splits a sentence longer than the target size into pieces that fit", () => {
    const long = `${"开源".repeat(80)}，${"闭源".repeat(80)}。`;
    const a = article(`## 一、背景\n\n${long}`);
    const options = { size: 120, overlap: 20 };
    const chunks = chunkArticle(a, options);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks.map((c) => c.text).join("")).toContain("开源".repeat(50));
    checkInvariants(a, chunks, options);
  });

  it("keeps heading paths by level and never makes a chunk of a heading alone", () => {
    const body = [
      "## 一、开源",
      "### 1.1 优点",
      "社区活跃。",
      "### 1.2 缺点",
      "## 二、闭源",
      "#### 细节",
      "服务稳定。",
      "## 三、空的一节",
      "### 3.1 也是空的",
      "## 四、结论",
      "各有取舍。",
    ].join("\n\n");
    const chunks = chunkArticle(article(body), { size: 400, overlap: 80 });
    expect(chunks.map((c) => [c.headingPath, c.text])).toEqual([
      [["一、开源", "1.1 优点"], "社区活跃。"],
      [["二、闭源", "细节"], "服务稳定。"],
      [["四、结论"], "各有取舍。"],
    ]);
  });

  it("never lets a passage cross from one section into the next", () => {
    const body = ["## 甲", sentence("甲一", 30), sentence("甲二", 30), "## 乙", sentence("乙一", 30)].join(
      "\n\n",
    );
    const chunks = chunkArticle(article(body), { size: 400, overlap: 80 });
    expect(chunks.map((c) => c.text)).toEqual([
      `${sentence("甲一", 30)}\n${sentence("甲二", 30)}`,
      sentence("乙一", 30),
    ]);
  });

  it("gives text before the first heading an empty heading path", () => {
    const chunks = chunkArticle(article("引言。\n\n## 一、正文\n\n正文。"), { size: 400, overlap: 80 });
    expect(chunks.map((c) => c.headingPath)).toEqual([[], ["一、正文"]]);
  });

  it("gives stable ids: the same passage keeps its id when other parts of the article change", () => {
    const body = ["## 一", sentence("甲", 50), "## 二", sentence("乙", 50)].join("\n\n");
    const before = chunkArticle(article(body), { size: 400, overlap: 80 });
    const again = chunkArticle(article(body), { size: 400, overlap: 80 });
    expect(again.map((c) => c.id)).toEqual(before.map((c) => c.id));
    const edited = chunkArticle(article(body.replace(sentence("乙", 50), sentence("丙", 50))), {
      size: 400,
      overlap: 80,
    });
    expect(edited[0]?.id).toBe(before[0]?.id);
    expect(edited[1]?.id).not.toBe(before[1]?.id);
    // The same text in another file is another passage.
    const elsewhere = chunkArticle(article(body, "b.md"), { size: 400, overlap: 80 });
    expect(elsewhere[0]?.id).not.toBe(before[0]?.id);
    expect(new Set(before.map((c) => c.id)).size).toBe(before.length);
  });

  it("carries the article's url onto each chunk", () => {
    const a: Article = { ...article("正文。"), meta: { title: "T", url: "https://example.org/x" } };
    expect(chunkArticle(a, { size: 400, overlap: 80 })[0]?.url).toBe("https://example.org/x");
  });
});

describe("embeddingText", () => {
  it("prefixes the passage with the title and heading path; the passage text stays alone", () => {
    const [chunk] = chunkArticle(article("## 一、开源\n\n### 1.1 优点\n\n社区活跃。", "a.md", "开源与闭源"), {
      size: 400,
      overlap: 80,
    });
    expect(chunk?.text).toBe("社区活跃。");
    expect(embeddingText(chunk as Chunk)).toBe("开源与闭源\n一、开源 › 1.1 优点\n社区活跃。");
    expect(embeddingText({ title: "T", headingPath: [], text: "正文。" })).toBe("T\n正文。");
  });
});

describe("chunking the five captured articles", () => {
  let articles: Article[] = [];
  beforeAll(async () => {
    articles = (await loadCorpus(CORPUS)).articles;
  });

  it.each<[number, number]>([
    [100, 20],
    [400, 80],
    [1200, 300],
  ])("holds every invariant at size %i, overlap %i", (size, overlap) => {
    expect(articles).toHaveLength(5);
    for (const a of articles) checkInvariants(a, chunkArticle(a, { size, overlap }), { size, overlap });
  });
});

describe("tables and code", () => {
  const options = { size: 120, overlap: 30 };

  it("turns each table row into a line that names its columns, under the header", () => {
    const body = [
      "## 对比",
      "| 方面 | 开源 | 闭源 |",
      "| --- | --- | --- |",
      "| 维护 | 自己负责 | 提供商负责 |",
      "| 成本 | 硬件投入 | 按量计费 |",
    ].join("\n");
    const [chunk, ...rest] = chunkArticle(article(body), options);
    expect(rest).toEqual([]);
    expect(chunk?.kind).toBe("table");
    expect(chunk?.headingPath).toEqual(["对比"]);
    expect(chunk?.text).toBe(
      "方面 | 开源 | 闭源\n维护 — 开源：自己负责；闭源：提供商负责\n成本 — 开源：硬件投入；闭源：按量计费",
    );
  });

  it("repeats the header in every passage of a table split over several", () => {
    const rows = Array.from(
      { length: 12 },
      (_, i) => `| 第${i + 1}项 | 开源的情况说明${i} | 闭源的情况说明${i} |`,
    );
    const body = ["| 方面 | 开源 | 闭源 |", "| --- | --- | --- |", ...rows].join("\n");
    const chunks = chunkArticle(article(body), options);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.kind).toBe("table");
      expect(c.text.split("\n")[0]).toBe("方面 | 开源 | 闭源");
      for (const line of c.text.split("\n").slice(1)) expect(line).toMatch(/^第\d+项 — 开源：.+；闭源：.+$/);
    }
    const all = chunks.flatMap((c) => c.text.split("\n").slice(1));
    expect(all).toHaveLength(12);
  });

  it("keeps code whole, fenced, with its indentation and closing lines, and never as a heading", () => {
    const code = [
      "pricing = {",
      '    "gpt-4": {"input": 0.03},',
      '    "mistral": {"license": "Apache 2.0"},',
      "}",
    ];
    const body = [
      "## 价格",
      "下面是价格表。",
      "```python",
      "# 注释不是标题",
      ...code,
      "```",
      "后面的说明。",
    ].join("\n");
    const chunks = chunkArticle(article(body), options);
    const codeChunk = chunks.find((c) => c.kind === "code");
    expect(codeChunk?.text).toBe(["```python", "# 注释不是标题", ...code, "```"].join("\n"));
    expect(codeChunk?.headingPath).toEqual(["价格"]);
    expect(chunks.map((c) => c.kind)).toEqual(["text", "code", "text"]);
    expect(chunks.every((c) => c.headingPath.every((h) => !h.includes("注释")))).toBe(true);
  });

  it("cuts code longer than twice the passage size between lines, each part fenced", () => {
    const lines = Array.from({ length: 30 }, (_, i) => `    value_${i} = compute(${i})`);
    const chunks = chunkArticle(article(["```", ...lines, "```"].join("\n")), options);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.text.startsWith("```\n")).toBe(true);
      expect(c.text.endsWith("\n```")).toBe(true);
    }
    expect(chunks.flatMap((c) => c.text.split("\n").filter((l) => !l.startsWith("```")))).toEqual(lines);
  });

  it("gives a table or code block the sentence that introduces it as its lead, and prose none", () => {
    const body = [
      "# 调用",
      "Ollama 启动后在本机提供 HTTP 接口。下面是项目里用的调用代码：",
      "```python",
      'requests.post("http://localhost:11434/api/chat", json=payload)',
      "```",
      "各家价格如下表。",
      "| 模型 | 价格 |",
      "| --- | --- |",
      "| A | 1 元 |",
      "# 另一节",
      "```bash",
      "ollama pull qwen2.5:7b",
      "```",
    ].join("\n");
    const chunks = chunkArticle(article(body), { size: 200, overlap: 0 });
    const code = chunks.find((c) => c.kind === "code" && c.text.includes("11434"));
    const table = chunks.find((c) => c.kind === "table");
    const firstInSection = chunks.find((c) => c.kind === "code" && c.text.includes("pull"));
    expect(code?.lead).toBe("下面是项目里用的调用代码：");
    expect(table?.lead).toBe("各家价格如下表。");
    // Nothing before it in its section: a sentence of another section does not introduce it.
    expect(firstInSection?.lead).toBeUndefined();
    for (const c of chunks.filter((c) => c.kind === "text")) expect(c.lead).toBeUndefined();
    // The lead is searched with the passage but never shown as part of it.
    expect(code?.text).not.toContain("下面是");
    expect(embeddingText(code as Chunk)).toContain("下面是项目里用的调用代码");
  });
});
