/**
 * The boilerplate rules on their own, and on a synthetic article from a different site written
 * in the same style as the captured ones: the rules must be general, so this article loses
 * exactly its noise and nothing else, in each of the three formats.
 */
import { describe, expect, it } from "vitest";
import type { Block } from "../../src/corpus/blocks.js";
import { removeBoilerplate } from "../../src/corpus/boilerplate.js";
import { cleanArticle } from "../../src/corpus/clean.js";
import type { ArticleFormat } from "../../src/types.js";
import { normalise } from "../helpers/ingest-helpers.js";

const para = (text: string): Block => ({ kind: "para", text });
const item = (text: string): Block => ({ kind: "item", text });
const heading = (text: string, level = 2): Block => ({ kind: "heading", level, text });
const texts = (blocks: Block[]) => blocks.map((b) => ("text" in b ? b.text : b.kind));

/** Body blocks of a cleaned article, without Markdown heading or bullet marks, normalised. */
function bodyBlocks(body: string): string[] {
  return body
    .split("\n\n")
    .map((b) => normalise(b.replace(/^#+ /, "").replace(/^- /, "")))
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// A synthetic capture from a database blog: same kinds of noise, different site and wording.

const TITLE = "向量数据库选型实践：从原型到生产";
const BODY = {
  h1: "一、为什么需要向量数据库",
  p1: "在检索增强生成的应用里，文本先被编码成向量，再按相似度查找最相关的片段。传统数据库擅长精确匹配，却难以高效回答“哪些向量离它最近”这样的问题。",
  p2: "当数据量达到千万级时，暴力扫描的延迟会让在线服务无法接受，因此需要专门的近似最近邻索引。",
  h2: "二、主流方案对比",
  i1: "Milvus：支持多种索引类型，适合大规模集群部署。",
  i2: "Qdrant：以 Rust 编写，带过滤条件的查询性能表现突出。",
  i3: "pgvector：作为 PostgreSQL 扩展，便于和现有业务数据放在一起。",
  h3: "三、选型建议",
  p3: "如果团队已经在使用 PostgreSQL，并且向量规模在百万级以内，优先考虑 pgvector，可以少维护一套系统。",
  p4: "对延迟和吞吐要求更高的场景，建议先用真实数据做压测，再决定索引参数。",
};
const NOISE = {
  meta: "发布于 2023-08-14 · 阅读量 2315",
  seriesLabel: "《数据库实战》系列：",
  series1: "数据库实战系列（一）：关系型数据库的索引原理",
  series2: "数据库实战系列（二）：分布式事务的取舍",
  series3: "数据库实战系列（三）：向量数据库选型实践",
  series4: "数据库实战系列（四）：时序数据的压缩存储",
  toc: "目录",
  ad: "扫码领取《向量数据库实战手册》完整版 PDF",
  placeholder: "在这里插入图片描述",
  copyright: "版权声明：本文为博主原创文章，遵循 CC 4.0 BY-SA 版权协议，转载请附上原文出处链接和本声明。",
  related: "推荐阅读",
  rel1: "一文读懂 HNSW 索引的参数调优",
  rel2: "RAG 系统中的分块策略",
  rel3: "大模型应用的缓存设计",
};
const EXPECTED_BODY = Object.values(BODY).map(normalise);

const plainCapture = [
  TITLE,
  NOISE.meta,
  NOISE.seriesLabel,
  NOISE.series1,
  NOISE.series2,
  NOISE.series3,
  NOISE.series4,
  NOISE.toc,
  BODY.h1,
  BODY.h2,
  BODY.h3,
  BODY.h1,
  BODY.p1,
  BODY.p2,
  BODY.h2,
  `• ${BODY.i1}`,
  `• ${BODY.i2}`,
  `• ${BODY.i3}`,
  NOISE.ad,
  BODY.h3,
  BODY.p3,
  NOISE.placeholder,
  BODY.p4,
  NOISE.copyright,
  NOISE.related,
  NOISE.rel1,
  NOISE.rel2,
  NOISE.rel3,
].join("\n\n");

const markdownCapture = `# ${TITLE}

${NOISE.meta}

**${NOISE.seriesLabel}**

- [${NOISE.series1}](https://example.org/db/1)
- [${NOISE.series2}](https://example.org/db/2)
- [${NOISE.series3}](https://example.org/db/3)
- [${NOISE.series4}](https://example.org/db/4)

## ${NOISE.toc}

- [${BODY.h1}](#1)
- [${BODY.h2}](#2)
- [${BODY.h3}](#3)

## ${BODY.h1}

${BODY.p1}

${BODY.p2}

## ${BODY.h2}

- **${BODY.i1.split("：")[0]}**：${BODY.i1.split("：")[1]}
- ${BODY.i2}
- ${BODY.i3}

![${NOISE.placeholder}](https://img.example.org/a.png)

> ${NOISE.ad}

## ${BODY.h3}

${BODY.p3}

${BODY.p4}

---

*${NOISE.copyright}*

### ${NOISE.related}

- [${NOISE.rel1}](https://example.org/r/1)
- [${NOISE.rel2}](https://example.org/r/2)
- [${NOISE.rel3}](https://example.org/r/3)
`;

const htmlCapture = `<!doctype html><html><head><title>${TITLE} - 某技术社区</title>
<style>.x{color:red}</style><script>window.tracker = "阅读量统计";</script></head>
<body>
<div class="top-bar"><a href="/">Home</a></div>
<div class="post">
<h1>${TITLE}</h1>
<div class="info">${NOISE.meta}</div>
<p><strong>${NOISE.seriesLabel}</strong></p>
<ul><li><a href="/1">${NOISE.series1}</a></li><li><a href="/2">${NOISE.series2}</a></li>
<li><a href="/3">${NOISE.series3}</a></li><li><a href="/4">${NOISE.series4}</a></li></ul>
<p>${NOISE.toc}</p>
<ul><li><a href="#1">${BODY.h1}</a></li><li><a href="#2">${BODY.h2}</a></li><li><a href="#3">${BODY.h3}</a></li></ul>
<h2 id="1">${BODY.h1}</h2>
<p>${BODY.p1}</p>
<p>${BODY.p2}</p>
<h2 id="2">${BODY.h2}</h2>
<ul><li><strong>Milvus</strong>：支持多种索引类型，适合大规模集群部署。</li><li>${BODY.i2}</li><li>${BODY.i3}</li></ul>
<p><img alt="${NOISE.placeholder}" src="a.png"/></p>
<p><svg width="10" height="10"><text>svg-label</text></svg>${NOISE.ad}</p>
<h2 id="3">${BODY.h3}</h2>
<p>${BODY.p3}</p>
<p>${BODY.p4}</p>
<p>${NOISE.copyright}</p>
<h3>${NOISE.related}</h3>
<ul><li><a href="/r1">${NOISE.rel1}</a></li><li><a href="/r2">${NOISE.rel2}</a></li><li><a href="/r3">${NOISE.rel3}</a></li></ul>
</div>
</body></html>`;

describe.each<[ArticleFormat, string]>([
  ["text", plainCapture],
  ["markdown", markdownCapture],
  ["html", htmlCapture],
])("a synthetic %s capture from another site", (format, capture) => {
  const cleaned = cleanArticle(capture, format, {}, "fallback-name");

  it("takes the title from the page and keeps it out of the body", () => {
    expect(cleaned.title).toBe(TITLE);
    expect(normalise(cleaned.body)).not.toContain(normalise(TITLE));
  });

  it("loses exactly the noise: the body is the article's headings, paragraphs and items, in order", () => {
    expect(bodyBlocks(cleaned.body)).toEqual(EXPECTED_BODY);
  });

  it("keeps no trace of any piece of noise", () => {
    const body = normalise(cleaned.body);
    const leaked = Object.values(NOISE).filter((n) => body.includes(normalise(n)));
    expect(leaked).toEqual([]);
    expect(body).not.toContain("svglabel");
    expect(body).not.toContain("tracker");
  });
});

// ---------------------------------------------------------------------------------------------
// Rule by rule.

describe("removeBoilerplate", () => {
  it("drops a related-articles list at the end, marker and all", () => {
    const body = [
      para("正文第一段，介绍了开源模型的许可证问题以及社区的协作方式。".repeat(3)),
      para("正文第二段。"),
    ];
    const out = removeBoilerplate([
      ...body,
      para("相关推荐"),
      para("某篇文章的标题"),
      para("另一篇文章的标题"),
    ]);
    expect(texts(out.blocks)).toEqual(texts(body));
    expect(out.removed.map((r) => r.rule)).toEqual([
      "related-articles tail",
      "related-articles tail",
      "related-articles tail",
    ]);
  });

  it("drops only the links under a related-articles marker near the top, not the article after them", () => {
    const links = [
      item("往期文章一：模型量化入门"),
      item("往期文章二：推理框架对比"),
      item("往期文章三：显存优化技巧"),
    ];
    const body = [
      heading("一、背景"),
      para(
        "企业在选择大模型时，需要同时考虑许可证、部署成本和数据合规，这篇文章从实际项目出发讨论这些问题。",
      ),
      para("第二段继续展开，说明开源模型在私有化部署时的优势与代价，并给出几个判断标准。"),
      heading("二、结论"),
      para("没有一种选择适合所有团队，关键在于把约束条件写清楚，再据此权衡。"),
    ];
    const out = removeBoilerplate([para("推荐阅读："), ...links, ...body]);
    expect(texts(out.blocks)).toEqual(texts(body));
  });

  it("drops a table of contents up to the first repeated entry, and a bare [TOC] marker", () => {
    const out = removeBoilerplate([
      para("目录"),
      item("一、背景"),
      item("二、方法"),
      heading("一、背景"),
      para("这里是正文，长度足够，说明了背景。"),
      para("[TOC]"),
      heading("二、方法"),
      para("方法部分的正文。"),
    ]);
    expect(texts(out.blocks)).toEqual([
      "一、背景",
      "这里是正文，长度足够，说明了背景。",
      "二、方法",
      "方法部分的正文。",
    ]);
  });

  it("drops a series list sharing a prefix, with its group labels, wherever it is", () => {
    const body = [para("这是一段真正的正文内容，讨论模型评测的方法。"), para("这是第二段正文内容。")];
    const series = [
      para("系列导航："),
      para("《基础篇》"),
      para("大模型评测系列(一)：基准数据集"),
      para("大模型评测系列(二)：人工评测"),
      para("《进阶篇》"),
      para("大模型评测系列(三)：自动评测"),
    ];
    expect(texts(removeBoilerplate([...body, ...series]).blocks)).toEqual(texts(body));
    expect(texts(removeBoilerplate([...series, ...body]).blocks)).toEqual(texts(body));
  });

  it("keeps two link-like lines that merely share a prefix (a run needs three)", () => {
    const blocks = [para("开源模型的优势"), para("开源模型的劣势"), para("正文。")];
    expect(texts(removeBoilerplate(blocks).blocks)).toEqual(texts(blocks));
  });

  it("drops image placeholders, disclaimers, ads, page meta and markup-only lines", () => {
    const body = para("正文段落，讨论闭源模型的服务等级协议。");
    const out = removeBoilerplate([
      para("在这里插入图片描述"),
      para("图片"),
      body,
      para("作者：张三 2024-03-05 10:00"),
      para("浏览量：1024"),
      para("免责声明：本站内容仅供参考。"),
      para("转载请注明出处。"),
      para("扫描下方二维码，关注公众号获取更多资料"),
      para("—— ✦ ——"),
    ]);
    expect(texts(out.blocks)).toEqual([(body as { text: string }).text]);
    expect(out.author).toBe("张三");
    expect(out.date).toBe("2024-03-05");
  });

  it("drops a promotional heading in the back part and everything after it, but not one near the top", () => {
    const body = Array.from({ length: 4 }, (_, i) =>
      para(`第${i + 1}段正文，讲述开源与闭源模型在企业落地时的不同考量和取舍。`),
    );
    const tail = [heading("如何学习大模型？", 3), para("学习路线第一阶段。"), item("资料一")];
    expect(texts(removeBoilerplate([...body, ...tail]).blocks)).toEqual(texts(body));
    const early = [heading("如何学习大模型？", 3), ...body];
    expect(texts(removeBoilerplate(early).blocks)).toEqual(texts(early));
  });

  it("drops short page chrome before the article, but not the same kind of line inside it", () => {
    const first = "正文第一段介绍了开源模型在私有化部署时的硬件成本，以及团队需要承担的运维工作量。";
    const second = "正文第二段比较了闭源接口按调用量计费的方式，指出流量平稳时自建更划算。";
    const out = removeBoilerplate([para("Home"), para("Blog"), para(first), para("GPT-4o"), para(second)]);
    expect(texts(out.blocks)).toEqual([first, "GPT-4o", second]);
    expect(out.removed.map((r) => r.text)).toEqual(["Home", "Blog"]);
  });

  it("keeps body paragraphs that merely mention copyright, disclaimers or QR codes", () => {
    const body = [
      para(
        "开源许可证并不意味着放弃版权：代码的版权归原作者所有，许可证只是授予他人在一定条件下使用、修改和分发的权利。",
      ),
      para(
        "在零售场景中，顾客扫码支付之后，推荐模型会根据购买记录实时更新商品排序，这类系统往往部署在闭源的云服务上。",
      ),
      para(
        "很多团队会在模型卡里附上免责声明，说明模型可能产生错误输出，但这并不能替代上线前的安全评估和红队测试。",
      ),
      para("检索系统返回的相关文章越多，生成答案时需要筛选的噪声也越多，因此重排序模型同样重要。"),
    ];
    expect(texts(removeBoilerplate(body).blocks)).toEqual(texts(body));
  });
});
