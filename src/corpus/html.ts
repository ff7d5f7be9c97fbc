import * as cheerio from "cheerio";
import type { AnyNode, Element } from "domhandler";
import { type Block, headingLevelOf } from "./blocks.js";

/** Elements that never hold article text. */
const DROP_TAGS =
  "head,title,script,style,svg,link,meta,noscript,iframe,form,button,nav,footer,aside,header,object,embed,canvas,template";
/** Class or id words that mark page chrome rather than the article. */
const CHROME =
  /(^|[-_\s])(nav|navbar|menu|sidebar|breadcrumb|related|recommend|comment|comments|footer|toolbar|share|social|copyright|advert|ads|banner|pagination|tags)([-_\s]|$)/i;

const BLOCK_TAGS = new Set([
  "p",
  "div",
  "section",
  "article",
  "main",
  "blockquote",
  "pre",
  "ul",
  "ol",
  "li",
  "table",
  "tr",
  "dl",
  "dt",
  "dd",
  "figure",
  "figcaption",
  "body",
  "html",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "br",
]);

/**
 * Containers a chrome word on their class never disqualifies: themes put layout words on them
 * ("<body class=\"single no-sidebar\">", "<main class=\"with-comments\">"), and removing one
 * would remove the whole article.
 */
const NEVER_CHROME = new Set(["html", "body", "main", "article"]);

export interface HtmlExtract {
  blocks: Block[];
  /** The page's own title (first h1, else <title> without a site-name suffix), if any. */
  title?: string;
}

/** "文章标题 - 站点名" / "文章标题_站点名" / "文章标题 | 站点名" → "文章标题". */
function withoutSiteSuffix(title: string): string {
  return (title.split(/\s+[|\-–—]\s+|_|\s*[|｜]\s*/)[0] ?? title).trim();
}

const CJK_OR_FULLWIDTH = "[\\u3000-\\u303f\\u3400-\\u9fff\\uff00-\\uffef]";
const SPACE_AFTER_CJK = new RegExp(`(${CJK_OR_FULLWIDTH}) +`, "g");
const SPACE_BEFORE_CJK = new RegExp(` +(?=${CJK_OR_FULLWIDTH})`, "g");

/** Source indentation becomes spaces in the DOM; between Chinese characters they are not part of the text. */
function collapse(text: string): string {
  return text
    .replace(/[ \t\r\n\u00a0]+/g, " ")
    .replace(/(\d) +\./g, "$1.")
    .replace(SPACE_AFTER_CJK, "$1")
    .replace(SPACE_BEFORE_CJK, "")
    .trim();
}

/**
 * HTML → blocks, keeping headings, list items and paragraphs. A paragraph whose only text is
 * bold and short is how many blog editors write a sub-heading, so it is treated as one.
 */
export function htmlToBlocks(html: string): HtmlExtract {
  const $ = cheerio.load(html);
  // The article's own h1 before any other (a site header may hold an h1 with the site's name).
  const h1 = $("article h1").first().text() || $("h1").first().text();
  const title =
    collapse(h1) || collapse(withoutSiteSuffix($("title").first().text().replace(/\s+/g, " "))) || undefined;
  $(DROP_TAGS).remove();
  $("[class],[id]").each((_, el) => {
    if (NEVER_CHROME.has(el.tagName.toLowerCase())) return;
    const attrs = `${$(el).attr("class") ?? ""} ${$(el).attr("id") ?? ""}`;
    if (CHROME.test(attrs)) $(el).remove();
  });

  const blocks: Block[] = [];
  let inline = "";
  let inlineBold = "";
  let inlineHasNonBold = false;

  const flush = (asItem: boolean) => {
    const text = collapse(inline);
    const bold = collapse(inlineBold);
    if (text !== "") {
      if (asItem) blocks.push({ kind: "item", text });
      else if (!inlineHasNonBold && bold === text) {
        const level = headingLevelOf(text, { allowUnnumbered: true });
        blocks.push(level === null ? { kind: "para", text } : { kind: "heading", level, text });
      } else blocks.push({ kind: "para", text });
    }
    inline = "";
    inlineBold = "";
    inlineHasNonBold = false;
  };

  const walk = (node: AnyNode, bold: boolean) => {
    if (node.type === "text") {
      const data = (node as unknown as { data: string }).data;
      inline += data;
      if (bold) inlineBold += data;
      else if (data.trim() !== "") inlineHasNonBold = true;
      return;
    }
    if (node.type === "root") {
      for (const child of (node as unknown as { children: AnyNode[] }).children) walk(child, bold);
      return;
    }
    if (node.type !== "tag") return;
    const el = node as Element;
    const tag = el.tagName.toLowerCase();
    if (tag === "img") return;
    if (/^h[1-6]$/.test(tag)) {
      flush(false);
      const text = collapse($(el).text());
      if (text) blocks.push({ kind: "heading", level: Number(tag[1]), text });
      return;
    }
    if (tag === "br") {
      flush(false);
      return;
    }
    const isBlock = BLOCK_TAGS.has(tag);
    if (isBlock) flush(false);
    const childBold = bold || tag === "strong" || tag === "b";
    for (const child of el.children) walk(child, childBold);
    if (isBlock) flush(tag === "li");
  };

  walk($.root()[0] as AnyNode, false);
  flush(false);
  return title ? { blocks, title } : { blocks };
}
