/** HTML, Markdown and plain text → the shared block model, and the title rules of cleanArticle. */
import { describe, expect, it } from "vitest";
import { type Block, blocksFromPlainLines, blocksToBody, headingLevelOf } from "../../src/corpus/blocks.js";
import { cleanArticle } from "../../src/corpus/clean.js";
import { htmlToBlocks } from "../../src/corpus/html.js";
import { markdownToBlocks } from "../../src/corpus/markdown.js";
import { stripInlineMarkdown } from "../../src/corpus/plain.js";

const LONG = "这是一个足够长的正文段落，用来说明上面那一行是一个小标题而不是普通的句子。";

describe("htmlToBlocks", () => {
  it("keeps headings with their level, paragraphs and list items in document order", () => {
    const { blocks } = htmlToBlocks(`
      <h1>标题</h1>
      <p>第一段。</p>
      <h2>一、背景</h2>
      <div><p>第二段。</p></div>
      <ul><li>要点一</li><li>要点 <em>二</em></li></ul>
      <ol><li>步骤</li></ol>
      <h4>细节</h4><p>第三段。</p>`);
    expect(blocks).toEqual<Block[]>([
      { kind: "heading", level: 1, text: "标题" },
      { kind: "para", text: "第一段。" },
      { kind: "heading", level: 2, text: "一、背景" },
      { kind: "para", text: "第二段。" },
      { kind: "item", text: "要点一" },
      { kind: "item", text: "要点二" },
      { kind: "item", text: "步骤" },
      { kind: "heading", level: 4, text: "细节" },
      { kind: "para", text: "第三段。" },
    ]);
  });

  it("reads a paragraph that is only short bold text as a sub-heading, but not a bold sentence", () => {
    const { blocks } = htmlToBlocks(`
      <p><strong>二、闭源的优势</strong></p>
      <p><strong>1. 保护知识产权</strong>：闭源模型可以保护知识产权。</p>
      <p><b>这是一句加粗的完整句子，有标点。</b></p>`);
    expect(blocks).toEqual<Block[]>([
      { kind: "heading", level: 2, text: "二、闭源的优势" },
      { kind: "para", text: "1.保护知识产权：闭源模型可以保护知识产权。" },
      { kind: "para", text: "这是一句加粗的完整句子，有标点。" },
    ]);
  });

  it("drops scripts, styles, SVG, forms, navigation, headers, footers, asides and images", () => {
    const { blocks } = htmlToBlocks(`<html><head><title>页面标题 - 站点</title><style>p{}</style></head><body>
      <header><a>首页</a></header><nav><a>分类</a></nav>
      <script>var 统计 = 1;</script><noscript>请启用脚本</noscript>
      <svg><text>矢量图文字</text><path d="M0 0"/></svg>
      <p>正文。<img alt="在这里插入图片描述" src="x.png"/></p>
      <form><button>提交</button></form>
      <aside>侧栏</aside><footer>页脚</footer></body></html>`);
    expect(blocks).toEqual<Block[]>([{ kind: "para", text: "正文。" }]);
  });

  it("drops elements whose class or id names page chrome", () => {
    const { blocks } = htmlToBlocks(`
      <div class="article-body"><p>正文。</p></div>
      <div class="related-posts"><p>相关文章一</p></div>
      <div id="comment-list"><p>评论</p></div>
      <div class="post-tags"><span>标签</span></div>
      <div class="share_bar">分享</div>`);
    expect(blocks).toEqual<Block[]>([{ kind: "para", text: "正文。" }]);
  });

  it("keeps the article when a theme puts a chrome word on <body>, <main> or <article>", () => {
    const { blocks } = htmlToBlocks(`<html><body class="single-post no-sidebar">
      <main class="site-main has-comments"><article class="post tags-3"><p>正文第一段。</p><p>正文第二段。</p></article></main>
      <div class="sidebar"><p>侧栏</p></div></body></html>`);
    expect(blocks).toEqual<Block[]>([
      { kind: "para", text: "正文第一段。" },
      { kind: "para", text: "正文第二段。" },
    ]);
  });

  it("splits at <br>, collapses source indentation between Chinese characters and decodes entities", () => {
    const { blocks } = htmlToBlocks("<p>第一行\n      继续<br/>第二行 &amp; GPT-4 &lt;3&gt;</p>");
    expect(blocks).toEqual<Block[]>([
      { kind: "para", text: "第一行继续" },
      { kind: "para", text: "第二行& GPT-4 <3>" },
    ]);
  });

  it("gives the article's h1 as the title, else the <title> without the site name", () => {
    expect(htmlToBlocks("<title>别的 - 站点</title><h1> 文章 标题 </h1><p>正文。</p>").title).toBe(
      "文章标题",
    );
    expect(
      htmlToBlocks(
        '<header><h1 class="site-title">我的博客</h1></header><article><h1>真正的标题</h1><p>正文。</p></article>',
      ).title,
    ).toBe("真正的标题");
    expect(htmlToBlocks("<title>开源模型的许可证 - 某某社区</title><p>正文。</p>").title).toBe(
      "开源模型的许可证",
    );
    expect(htmlToBlocks("<title>闭源模型的商业化_技术博客</title><p>正文。</p>").title).toBe(
      "闭源模型的商业化",
    );
    expect(htmlToBlocks("<p>正文。</p>").title).toBeUndefined();
  });
});

describe("markdownToBlocks", () => {
  it("keeps ATX headings with their level and strips inline markup from text", () => {
    const blocks = markdownToBlocks(
      [
        "# 标题",
        "",
        "## 二、**闭源** 模型 ##",
        "",
        "正文有 [链接文字](https://x.org) 和 ![图](a.png) 以及 `代码` 与 *强调*。",
      ].join("\n"),
    );
    expect(blocks).toEqual<Block[]>([
      { kind: "heading", level: 1, text: "标题" },
      { kind: "heading", level: 2, text: "二、闭源 模型" },
      { kind: "para", text: "正文有 链接文字 和  以及 代码 与 强调。" },
    ]);
  });

  it("reads a line that is only bold, heading-shaped text as a sub-heading", () => {
    const blocks = markdownToBlocks(
      ["**简介**", "", LONG, "", "**是想要共享这个世界？还是独自前行？**"].join("\n"),
    );
    expect(blocks).toEqual<Block[]>([
      { kind: "heading", level: 5, text: "简介" },
      { kind: "para", text: LONG },
      { kind: "para", text: "是想要共享这个世界？还是独自前行？" },
    ]);
  });

  it("turns bullets and numbered lines into items, keeping the number", () => {
    const blocks = markdownToBlocks(
      ["- **生成能力**：表现出色", "* 第二项", "+ 第三项", "1. 第一步", "2) 第二步", "   - 嵌套项"].join(
        "\n",
      ),
    );
    expect(blocks).toEqual<Block[]>([
      { kind: "item", text: "生成能力：表现出色" },
      { kind: "item", text: "第二项" },
      { kind: "item", text: "第三项" },
      { kind: "item", text: "1. 第一步" },
      { kind: "item", text: "2. 第二步" },
      { kind: "item", text: "嵌套项" },
    ]);
  });

  it("skips thematic breaks, reads a table as a table with its header, keeps block quotes", () => {
    const blocks = markdownToBlocks(
      ["---", "| 类型 | 代表 |", "| --- | --- |", "| 开源 | **LLaMA** |", "", "> 引用的话。"].join("\n"),
    );
    expect(blocks).toEqual<Block[]>([
      { kind: "table", header: ["类型", "代表"], rows: [["开源", "LLaMA"]] },
      { kind: "para", text: "引用的话。" },
    ]);
  });

  it("keeps fenced code whole, indentation and all, and never reads '#' inside a fence as a heading", () => {
    const blocks = markdownToBlocks(["```python", "# 注释", "def f():", "    return 1", "```"].join("\n"));
    expect(blocks).toEqual<Block[]>([
      { kind: "code", lang: "python", text: "# 注释\ndef f():\n    return 1" },
    ]);
  });

  it("stripInlineMarkdown leaves snake_case and arithmetic alone", () => {
    expect(stripInlineMarkdown("变量 max_new_tokens 与 2*3*4")).toBe("变量 max_new_tokens 与 2*3*4");
  });
});

describe("plain text lines", () => {
  it("recognises numbered Chinese and dotted headings with a level by depth", () => {
    expect(headingLevelOf("一、引言", { allowUnnumbered: false })).toBe(2);
    expect(headingLevelOf("第三章 商业模式", { allowUnnumbered: false })).toBe(2);
    expect(headingLevelOf("3.1 优点", { allowUnnumbered: false })).toBe(3);
    expect(headingLevelOf("4.1.2 建设开放生态系统", { allowUnnumbered: false })).toBe(4);
    expect(headingLevelOf("4.2. 闭源方向", { allowUnnumbered: false })).toBe(3);
    expect(headingLevelOf("2. 可访问性", { allowUnnumbered: false })).toBe(4);
  });

  it("does not read a numbered sentence or list entry as a heading", () => {
    expect(
      headingLevelOf("1、创新和灵活性:开源模型鼓励创新,推动技术的发展。", { allowUnnumbered: true }),
    ).toBeNull();
    expect(headingLevelOf("一、这是一句以句号结尾的话。", { allowUnnumbered: true })).toBeNull();
    expect(headingLevelOf("3.14 是圆周率，约等于 22/7。", { allowUnnumbered: true })).toBeNull();
    expect(headingLevelOf("", { allowUnnumbered: true })).toBeNull();
    expect(headingLevelOf("很".repeat(41), { allowUnnumbered: true })).toBeNull();
  });

  it("reads a short unnumbered line as a heading only when longer content follows it", () => {
    expect(blocksFromPlainLines(["前言", "", LONG])).toEqual<Block[]>([
      { kind: "heading", level: 5, text: "前言" },
      { kind: "para", text: LONG },
    ]);
    expect(blocksFromPlainLines(["这取决于你", "", "好的"])).toEqual<Block[]>([
      { kind: "para", text: "这取决于你" },
      { kind: "para", text: "好的" },
    ]);
  });

  it("turns bullet characters into items and drops blank lines and non-breaking spaces", () => {
    expect(blocksFromPlainLines(["  • 第一项", "\u00a0", "    – 第二项", "· 第三项"])).toEqual<Block[]>([
      { kind: "item", text: "第一项" },
      { kind: "item", text: "第二项" },
      { kind: "item", text: "第三项" },
    ]);
  });

  it("writes blocks back as a Markdown-like body, one block per paragraph", () => {
    expect(
      blocksToBody([
        { kind: "heading", level: 2, text: "一、背景" },
        { kind: "para", text: "正文。" },
        { kind: "item", text: "要点" },
        { kind: "item", text: "1. 编号要点" },
      ]),
    ).toBe("## 一、背景\n\n正文。\n\n- 要点\n\n1. 编号要点");
  });
});

describe("cleanArticle titles", () => {
  const text = ["开源模型综述", "", "一、背景", "", LONG].join("\n");

  it("takes the first line as the title when there is no metadata, and removes it from the body", () => {
    const out = cleanArticle(text, "text", {}, "file-name");
    expect(out.title).toBe("开源模型综述");
    expect(out.body).toBe(`## 一、背景\n\n${LONG}`);
  });

  it("prefers the metadata title and keeps a first line that is not a heading", () => {
    const out = cleanArticle(text, "text", { title: "来自元数据的标题" }, "file-name");
    expect(out.title).toBe("来自元数据的标题");
    expect(out.body).toContain("开源模型综述");
  });

  it("takes a Markdown article's first-level heading, and drops a heading repeating the title", () => {
    const out = cleanArticle(["# 标题甲", "", "## 标题甲", "", LONG].join("\n"), "markdown", {}, "f");
    expect(out.title).toBe("标题甲");
    expect(out.body).toBe(LONG);
  });

  it("takes an HTML page's h1 even when a header element holding it is dropped, and keeps the first paragraph", () => {
    const html = `<article><header><h1>页面里的标题</h1><span>2024-01-01</span></header><p>${LONG}</p><p>第二段。</p></article>`;
    const out = cleanArticle(html, "html", {}, "f");
    expect(out.title).toBe("页面里的标题");
    expect(out.body).toBe(`${LONG}\n\n第二段。`);
  });

  it("falls back to the file name when nothing looks like a title", () => {
    expect(cleanArticle("- 只有一个列表项", "text", {}, "file-name").title).toBe("file-name");
  });
});

describe("cleanArticle with a title from metadata", () => {
  it("drops a first line that repeats the metadata title, but not a first paragraph mentioning it", () => {
    const repeated = cleanArticle(
      ["开源模型综述", "", "一、背景", "", LONG].join("\n"),
      "text",
      { title: "开源模型综述（修订版）" },
      "f",
    );
    expect(repeated.body).toBe(`## 一、背景\n\n${LONG}`);
    const paragraph = `开源模型综述这一话题，${LONG}`;
    const kept = cleanArticle([paragraph, "", "第二段。"].join("\n"), "text", { title: "开源模型综述" }, "f");
    expect(kept.body).toBe(`${paragraph}\n\n第二段。`);
  });
});
