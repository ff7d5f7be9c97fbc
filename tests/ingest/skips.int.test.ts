/**
 * Ingestion of a corpus holding every kind of file that must be skipped: each gets one warning
 * line naming the file and the reason, nothing crashes, and the index holds exactly the good
 * articles (a GB18030 one decoded correctly).
 */
import { copyFile, mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../../src/corpus/load.js";
import type { IngestSummary } from "../../src/ingest/pipeline.js";
import {
  CORPUS,
  type InspectLine,
  inspectIndex,
  type RecordingLogger,
  recordingLogger,
  runIngest,
  tempDir,
} from "../helpers/ingest-helpers.js";

const GB_TEXT = [
  "国产大模型的开源之路",
  "",
  "一、背景",
  "",
  "近年来，国内厂商陆续开源了多款大模型，吸引了大量开发者参与微调与评测。",
  "",
  "二、影响",
  "",
  "开源降低了中小企业使用大模型的门槛，也让学术界能够复现和改进前沿成果。",
].join("\n");

const MARKDOWN = `---
title: 闭源模型的商业逻辑
url: https://example.org/closed
author: 李四
---
## 订阅与授权

闭源模型通常通过订阅服务和 API 调用收费，厂商以此支撑持续的研发投入。

## 风险

用户依赖单一供应商，一旦价格或条款变化，迁移成本很高。
`;

const HTML = `<html><body><article><h1>开源许可证入门</h1>
<p>常见的开源许可证包括 Apache-2.0、MIT 和 GPL，它们对再分发的要求各不相同。</p>
<ul><li>宽松许可证允许闭源再分发。</li><li>著佐权许可证要求衍生作品同样开源。</li></ul>
</article></body></html>`;

const BOM_TEXT =
  "\ufeff带字节顺序标记的文章\n\n正文第一段：这篇文章以 UTF-8 保存，并带有 BOM 头，应当被正确读取。\n";

/** The good files and the titles their articles must get. */
const GOOD: Record<string, string> = {
  "a-closed.md": "闭源模型的商业逻辑",
  "gb18030-article.txt": "国产大模型的开源之路（元数据标题）",
  "nested/deeper/licences.htm": "开源许可证入门",
  "with-bom.txt": "带字节顺序标记的文章",
  "linked.markdown": "通过符号链接加入的文章",
};

/** The bad files and a pattern their reason must match. */
const BAD: Record<string, RegExp> = {
  "empty.md": /empty/,
  "picture.txt": /binary/,
  "broken-front-matter.md": /malformed front matter/,
  "list-front-matter.md": /not a key: value mapping/,
  "z-duplicate.md": /duplicate of a-closed\.md/,
  "notes.pdf": /unsupported file type/,
  README: /unsupported file type/,
  "only-noise.txt": /no article text/,
  "dangling.md": /unreadable|no such file|ENOENT/i,
};

let summary: IngestSummary;
let lines: InspectLine[] = [];
let log: RecordingLogger;
let corpusDir = "";
let cleanup: () => Promise<void> = async () => {};

beforeAll(async () => {
  const tmp = await tempDir("ingest-skips");
  cleanup = tmp.cleanup;
  corpusDir = path.join(tmp.dir, "corpus");
  const outside = path.join(tmp.dir, "outside");
  await mkdir(path.join(corpusDir, "nested", "deeper"), { recursive: true });
  await mkdir(outside);
  const put = (name: string, data: string | Uint8Array) => writeFile(path.join(corpusDir, name), data);

  await put("a-closed.md", MARKDOWN);
  await put("gb18030-article.txt", iconv.encode(GB_TEXT, "gb18030"));
  await put(
    "gb18030-article.txt.meta.yaml",
    "title: 国产大模型的开源之路（元数据标题）\nurl: https://example.org/gb\n",
  );
  await put("nested/deeper/licences.htm", HTML);
  await put("with-bom.txt", BOM_TEXT);
  await writeFile(
    path.join(outside, "real.markdown"),
    "# 通过符号链接加入的文章\n\n这篇文章放在语料目录之外，通过符号链接加入语料。\n",
  );
  await symlink(path.join(outside, "real.markdown"), path.join(corpusDir, "linked.markdown"));

  await put("empty.md", "");
  await put(
    "picture.txt",
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]),
  );
  await put("broken-front-matter.md", "---\ntitle: [没有闭合\nauthor: x\n---\n正文。\n");
  await put("list-front-matter.md", "---\n- 一\n- 二\n---\n正文。\n");
  await copyFile(path.join(corpusDir, "a-closed.md"), path.join(corpusDir, "z-duplicate.md"));
  await put("notes.pdf", "%PDF-1.4 开源");
  await put("README", "说明文件");
  await put("only-noise.txt", "在这里插入图片描述\n\n扫码领取资料\n\n浏览量：100\n");
  await symlink(path.join(tmp.dir, "does-not-exist.md"), path.join(corpusDir, "dangling.md"));

  log = recordingLogger();
  summary = await runIngest(corpusDir, path.join(tmp.dir, "index"), { logger: log.logger });
  lines = await inspectIndex(path.join(tmp.dir, "index"));
});

afterAll(() => cleanup());

describe("ingesting a corpus with files that cannot be used", () => {
  it("logs exactly one warning line per bad file, naming the file and the reason", () => {
    const warnings = log.warnings();
    expect(warnings).toHaveLength(Object.keys(BAD).length);
    for (const [file, reason] of Object.entries(BAD)) {
      const mine = warnings.filter((w) => w.includes(file));
      expect(mine, file).toHaveLength(1);
      expect(mine[0], file).toMatch(reason);
    }
  });

  it("reports the skipped files in the summary", () => {
    expect(summary.files.skipped).toBe(Object.keys(BAD).length);
    expect(summary.skipped.map((s) => s.source).sort()).toEqual(Object.keys(BAD).sort());
    for (const s of summary.skipped) expect(s.reason).toMatch(BAD[s.source] ?? /^$/);
    expect(summary.files.added).toBe(Object.keys(GOOD).length);
  });

  it("indexes exactly the good articles, found recursively, with their titles", () => {
    const titles = Object.fromEntries(lines.map((l) => [l.source, l.title]));
    expect(titles).toEqual(GOOD);
  });

  it("decodes the GB18030 article and applies its sidecar", async () => {
    const gb = lines.filter((l) => l.source === "gb18030-article.txt");
    const text = gb.map((l) => l.text).join("\n");
    expect(text).toContain("近年来，国内厂商陆续开源了多款大模型，吸引了大量开发者参与微调与评测。");
    expect(text).toContain("开源降低了中小企业使用大模型的门槛");
    expect(gb.map((l) => l.heading)).toEqual(["一、背景", "二、影响"]);
    const { articles } = await loadCorpus(corpusDir);
    expect(articles.find((a) => a.source === "gb18030-article.txt")?.meta.url).toBe("https://example.org/gb");
  });

  it("keeps front matter out of the text and its fields in the metadata", async () => {
    const closed = lines.filter((l) => l.source === "a-closed.md");
    expect(closed.map((l) => l.heading)).toEqual(["订阅与授权", "风险"]);
    expect(closed.map((l) => l.text).join("")).not.toMatch(/title:|author:|---/);
    const { articles } = await loadCorpus(corpusDir);
    expect(articles.find((a) => a.source === "a-closed.md")?.meta).toEqual({
      title: "闭源模型的商业逻辑",
      url: "https://example.org/closed",
      author: "李四",
    });
  });

  it("reads a UTF-8 file with a BOM without the BOM", () => {
    const bom = lines.filter((l) => l.source === "with-bom.txt");
    expect(bom.map((l) => l.text)).toEqual([
      "正文第一段：这篇文章以 UTF-8 保存，并带有 BOM 头，应当被正确读取。",
    ]);
  });

  it("loads the real corpus with no warnings at all", async () => {
    const { articles, skipped } = await loadCorpus(CORPUS);
    expect(skipped).toEqual([]);
    expect(articles).toHaveLength(5);
  });
});
