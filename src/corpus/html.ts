/**
 * HTML → blocks through a real DOM (linkedom). Page furniture is taken out by what elements are
 * (navigation, header, footer, aside, forms, buttons, scripts, hidden elements, link-dense
 * containers) before Readability picks the main content node, the way reader modes do; what is
 * left is walked into headings, paragraphs, list items, tables, code and diagrams, each text
 * block carrying its link density for the boilerplate classifier.
 */
import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import {
  type Block,
  type BlockHint,
  type CodeBlock,
  headingLevelOf,
  type TableBlock,
  withHint,
} from "./blocks.js";
import { diagramBlock, isDiagramSource } from "./diagram.js";

export interface HtmlExtract {
  blocks: Block[];
  /** The page's own title (og:title, the article's h1, else <title> without a site suffix). */
  title?: string;
}

// Minimal structural types: linkedom's DOM is the browser's, without the DOM lib in tsconfig.
interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  parentNode: DomNode | null;
}
interface DomElement extends DomNode {
  tagName: string;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  querySelector(selector: string): DomElement | null;
  remove(): void;
  innerHTML: string;
  cloneNode(deep: boolean): DomElement;
}
interface DomDocument extends DomNode {
  documentElement: DomElement;
  body: DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

const TEXT_NODE = 3;
const ELEMENT_NODE = 1;

/** Elements that never hold article text. */
const NEVER_TEXT =
  "script,style,noscript,template,svg,iframe,object,embed,canvas,link,meta,form,button,input,select,textarea,dialog";
/** A page's own regions around the article; inside Markdown an <aside> is the author's callout. */
const PAGE_REGIONS = "nav,aside,footer";
const HIDDEN =
  '[hidden],[aria-hidden="true"],[style*="display:none"],[style*="display: none"],[style*="visibility:hidden"],[style*="visibility: hidden"]';
/** Class words of elements that are there for screen readers or scripts, not for the page. */
const HIDDEN_CLASS = /(^|\s)(hidden|sr-only|visually-hidden|screen-reader-text|d-none|hide)(\s|$)/i;
/** Class or id words that mark page chrome rather than the article. */
const CHROME =
  /(^|[-_\s])(nav|navbar|menu|sidebar|breadcrumbs?|related|recommend|comments?|footer|toolbar|share|social|copyright|advert|ads?|banner|pagination|pager|tags|tag-cloud|author-info|author-box|subscribe|newsletter|cookie|login|signup|popup|modal|collapsed|teaser|excerpt|truncated|byline|avatar|author|bio|meta-?info|post-?meta|entry-?meta|article-?meta|breadcrumb)([-_\s]|$)/i;
/** Containers that a chrome word on their class never disqualifies (themes put layout words on them). */
const NEVER_CHROME = new Set(["html", "body", "main", "article"]);
/** Gutter and copy-button parts of highlighted code. */
const CODE_FURNITURE = /(line-?num|linenos?|gutter|copy|toolbar|code-?header|lang-?label)/i;

const BLOCK_TAGS = new Set([
  "p",
  "div",
  "section",
  "article",
  "main",
  "blockquote",
  "ul",
  "ol",
  "li",
  "dl",
  "dt",
  "dd",
  "figure",
  "figcaption",
  "body",
  "html",
  "header",
  "details",
  "summary",
  "hr",
  "br",
  "tr",
  "td",
  "th",
  "caption",
  "center",
]);

/** "文章标题 - 站点名" / "文章标题_站点名" / "文章标题 | 站点名" → "文章标题". */
function withoutSiteSuffix(title: string): string {
  return (title.split(/\s+[|\-–—]\s+|_|\s*[|｜]\s*/)[0] ?? title).trim();
}

const CJK_OR_FULLWIDTH = "[\\u3000-\\u303f\\u3400-\\u9fff\\uff00-\\uffef]";
const SPACE_AFTER_CJK = new RegExp(`(${CJK_OR_FULLWIDTH}) +`, "g");
const SPACE_BEFORE_CJK = new RegExp(` +(?=${CJK_OR_FULLWIDTH})`, "g");

/** Source indentation becomes spaces in the DOM; between Chinese characters they are not part of the text. */
export function collapse(text: string): string {
  return text
    .replace(/[ \t\r\n\u00a0]+/g, " ")
    .replace(/(\d) +\./g, "$1.")
    .replace(SPACE_AFTER_CJK, "$1")
    .replace(SPACE_BEFORE_CJK, "")
    .trim();
}

const all = <T>(list: ArrayLike<T>): T[] => Array.from(list);
const tagOf = (el: DomNode) => el.nodeName.toLowerCase();

function textLength(node: DomNode): number {
  return (node.textContent ?? "").replace(/\s+/g, "").length;
}

function linkTextLength(el: DomElement): number {
  return all(el.querySelectorAll("a")).reduce((n, a) => n + textLength(a), 0);
}

/** Take out what is never article text, so neither Readability nor the walker sees it. */
function removeFurniture(
  document: DomDocument,
  options: { pageRegions: boolean } = { pageRegions: true },
): void {
  for (const el of all(document.querySelectorAll(NEVER_TEXT))) el.remove();
  if (options.pageRegions) for (const el of all(document.querySelectorAll(PAGE_REGIONS))) el.remove();
  for (const el of all(document.querySelectorAll(HIDDEN))) el.remove();
  // A page header holds the site's logo, menu and search; an article's own header holds its
  // title: keep the heading, drop the rest.
  for (const header of options.pageRegions ? all(document.querySelectorAll("header")) : []) {
    const heading = header.querySelector("h1,h2");
    const insideArticle = /\b(article|main)\b/.test(ancestorsOf(header).join(" "));
    if (heading && insideArticle) {
      for (const child of all(header.childNodes))
        if (child !== heading && !containsNode(child, heading)) (child as DomElement).remove?.();
    } else header.remove();
  }
  for (const el of all(document.querySelectorAll("[class],[id]"))) {
    if (NEVER_CHROME.has(tagOf(el)) || !el.parentNode) continue;
    // "AuthorInfo-name" and "author-info-name" are the same words.
    const attrs = `${el.getAttribute("class") ?? ""} ${el.getAttribute("id") ?? ""}`.replace(
      /([a-z])([A-Z])/g,
      "$1-$2",
    );
    if (HIDDEN_CLASS.test(el.getAttribute("class") ?? "") || CHROME.test(attrs)) el.remove();
  }
  // Link-dense containers: menus, tag clouds, "related" lists whatever their class is called.
  for (const el of all(document.querySelectorAll("ul,ol,div,section,p,table,dl"))) {
    if (!el.parentNode || NEVER_CHROME.has(tagOf(el))) continue;
    const links = el.querySelectorAll("a").length;
    const total = textLength(el);
    if (links >= 3 && total > 0 && linkTextLength(el) / total > 0.6) el.remove();
  }
}

function ancestorsOf(node: DomNode): string[] {
  const names: string[] = [];
  for (let p = node.parentNode; p; p = p.parentNode) names.push(tagOf(p));
  return names;
}

function containsNode(root: DomNode, target: DomNode): boolean {
  for (let n: DomNode | null = target; n; n = n.parentNode) if (n === root) return true;
  return false;
}

function pageTitle(document: DomDocument): string | undefined {
  const og = document.querySelector('meta[property="og:title"]')?.getAttribute("content");
  const h1 =
    document.querySelector("article h1") ?? document.querySelector("main h1") ?? document.querySelector("h1");
  const title = document.querySelector("title")?.textContent;
  return (
    collapse(og ?? "") ||
    collapse(h1?.textContent ?? "") ||
    collapse(withoutSiteSuffix((title ?? "").replace(/\s+/g, " "))) ||
    undefined
  );
}

function bigramsOf(text: string): Set<string> {
  const t = text.replace(/\s+/g, "");
  const out = new Set<string>();
  for (let i = 0; i + 1 < t.length; i++) out.add(t.slice(i, i + 2));
  return out;
}

/**
 * The main content node. Readability chooses it over the furniture-free page, but rewrites what
 * it returns (h1 becomes h2, classes and some containers go), so its choice is mapped back to the
 * page: the smallest element that holds nearly all of Readability's text. The walker then reads
 * the page's own markup. The whole body stands when Readability finds nothing, or keeps less than
 * half of the page's sentences (a page of tables or short items, where it drops content).
 */
function mainContent(document: DomDocument): DomElement | null {
  const body = document.body;
  if (!body) return null;
  const clone = (document as unknown as { cloneNode(deep: boolean): DomDocument }).cloneNode(true);
  let picked: string | null = null;
  try {
    const article = new Readability(clone as unknown as ConstructorParameters<typeof Readability>[0], {
      charThreshold: 200,
    }).parse();
    picked = article?.textContent ?? null;
  } catch {
    picked = null;
  }
  if (!picked || picked.replace(/\s+/g, "").length < 50) return body;
  const sentenceChars = (text: string) => text.match(/[^。！？.!?]{8,}[。！？.!?]/g)?.join("").length ?? 0;
  if (sentenceChars(picked) < 0.5 * sentenceChars(body.textContent ?? "")) return body;
  const wanted = bigramsOf(picked);
  const holds = (el: DomElement) => {
    const have = bigramsOf(el.textContent ?? "");
    let shared = 0;
    for (const g of wanted) if (have.has(g)) shared++;
    return shared >= wanted.size * 0.95;
  };
  let best: DomElement = body;
  // Descend while one child still holds nearly all of it.
  for (;;) {
    const child = all(best.childNodes).find(
      (c): c is DomElement =>
        c.nodeType === ELEMENT_NODE && textLength(c) >= wanted.size * 0.5 && holds(c as DomElement),
    );
    if (!child) break;
    best = child;
  }
  return best;
}

function tableBlock(table: DomElement): TableBlock | null {
  const rows = all(table.querySelectorAll("tr"))
    .filter((tr) => closestTable(tr) === table)
    .map((tr) =>
      all(tr.childNodes)
        .filter((c) => c.nodeType === ELEMENT_NODE && /^t[hd]$/.test(tagOf(c)))
        .map((c) => collapse(c.textContent ?? "")),
    )
    .filter((cells) => cells.some((c) => c !== ""));
  if (rows.length < 2 || Math.max(...rows.map((r) => r.length)) < 2) return null;
  const [header, ...body] = rows;
  return { kind: "table", header: header ?? [], rows: body };
}

function closestTable(node: DomNode): DomNode | null {
  for (let p = node.parentNode; p; p = p.parentNode) if (tagOf(p) === "table") return p;
  return null;
}

/** A layout table wraps the page (cells holding paragraphs and lists), a data table holds values. */
function isLayoutTable(table: DomElement): boolean {
  return table.querySelectorAll("p,ul,ol,div,table,h1,h2,h3").length > 0;
}

function codeLang(el: DomElement): string {
  const attrs = [el, ...all(el.querySelectorAll("code"))]
    .map((e) => `${e.getAttribute("class") ?? ""} ${e.getAttribute("data-lang") ?? ""}`)
    .join(" ");
  return /(?:language|lang)-([\w+#-]+)/i.exec(attrs)?.[1] ?? /\b(mermaid)\b/i.exec(attrs)?.[1] ?? "";
}

/**
 * A code view's text. Highlighters wrap the code in <code> and put their toolbar ("python 复制代码")
 * and line-number gutter beside it inside <pre>: when there is a <code>, only it is the code.
 * Without one, parts named like viewer chrome and parts holding nothing but numbers go.
 */
function preText(pre: DomElement): string {
  const codes = all(pre.querySelectorAll("code"));
  if (codes.length > 0) return codes.map((c) => c.textContent ?? "").join("\n");
  const copy = pre.cloneNode(true);
  for (const el of all(copy.querySelectorAll("*"))) {
    if (!el.parentNode) continue;
    if (CODE_FURNITURE.test(el.getAttribute("class") ?? "") || /^[\d\s]+$/.test(el.textContent ?? ""))
      el.remove();
  }
  return copy.textContent ?? "";
}

function preBlock(pre: DomElement): Block | null {
  const text = preText(pre).replace(/^\n+|\s+$/g, "");
  if (text.trim() === "") return null;
  const lang = codeLang(pre);
  if (isDiagramSource(lang, text)) return diagramBlock(lang, text);
  const code: CodeBlock = { kind: "code", lang, text };
  return code;
}

/** The content node → blocks. */
export function domToBlocks(root: DomNode, main: DomNode | null = null): Block[] {
  const blocks: Block[] = [];
  // Blocks outside the main content node are marked, not dropped: an article's question, header
  // or footnotes can sit outside what Readability keeps, and the classifier judges them.
  let depthInMain = main === null || main === root ? 1 : 0;
  const mark = <B extends Block>(block: B, hint: BlockHint = {}): B =>
    withHint(block, depthInMain > 0 ? hint : { ...hint, outsideMain: true });
  let inline = "";
  let inlineBold = "";
  let inlineLinked = 0;
  let inlineHasNonBold = false;

  const flush = (asItem: boolean) => {
    const text = collapse(inline);
    const bold = collapse(inlineBold);
    if (text !== "") {
      const chars = text.replace(/\s+/g, "").length || 1;
      const hint: BlockHint = { linkDensity: Math.min(1, inlineLinked / chars) };
      if (asItem) blocks.push(mark({ kind: "item", text }, hint));
      else if (!inlineHasNonBold && bold === text) {
        const level = headingLevelOf(text, { allowUnnumbered: true });
        blocks.push(mark(level === null ? { kind: "para", text } : { kind: "heading", level, text }, hint));
      } else blocks.push(mark({ kind: "para", text }, hint));
    }
    inline = "";
    inlineBold = "";
    inlineLinked = 0;
    inlineHasNonBold = false;
  };

  const walk = (node: DomNode, bold: boolean, linked: boolean) => {
    if (node.nodeType === TEXT_NODE) {
      const data = node.textContent ?? "";
      inline += data;
      if (linked) inlineLinked += data.replace(/\s+/g, "").length;
      if (bold) inlineBold += data;
      else if (data.trim() !== "") inlineHasNonBold = true;
      return;
    }
    if (node.nodeType !== ELEMENT_NODE && node.nodeType !== 9 && node.nodeType !== 11) return;
    const tag = tagOf(node);
    if (tag === "img") return;
    const el = node as DomElement;
    if (/^h[1-6]$/.test(tag)) {
      flush(false);
      const text = collapse(el.textContent ?? "");
      if (text) blocks.push(mark({ kind: "heading", level: Number(tag[1]), text }));
      return;
    }
    if (tag === "pre") {
      flush(false);
      const block = preBlock(el);
      if (block) blocks.push(mark(block));
      return;
    }
    if (tag === "table" && !isLayoutTable(el)) {
      flush(false);
      const table = tableBlock(el);
      if (table) {
        blocks.push(mark(table));
        return;
      }
    }
    if (tag === "br") {
      flush(false);
      return;
    }
    const isBlock = BLOCK_TAGS.has(tag) || node === main;
    if (isBlock) flush(false);
    const childBold = bold || tag === "strong" || tag === "b";
    const childLinked = linked || tag === "a";
    if (node === main) depthInMain++;
    for (const child of all(node.childNodes)) walk(child, childBold, childLinked);
    if (isBlock) flush(tag === "li");
    if (node === main) depthInMain--;
  };

  walk(root, false, false);
  flush(false);
  return blocks;
}

/** A whole page → its title and the blocks of its main content. */
export function htmlToBlocks(html: string): HtmlExtract {
  // A fragment without <html>/<body> would leave linkedom without a body to walk.
  const page = /<(html|body)[\s>]/i.test(html) ? html : `<!doctype html><html><body>${html}</body></html>`;
  const { document } = parseHTML(page);
  const doc = document as unknown as DomDocument;
  const title = pageTitle(doc);
  removeFurniture(doc);
  const main = mainContent(doc);
  const blocks = doc.body ? domToBlocks(doc.body, main) : [];
  return title ? { blocks, title } : { blocks };
}

/** An HTML fragment inside Markdown (`<div class="ad">…</div>`): its text blocks, furniture removed. */
export function htmlFragmentToBlocks(html: string): Block[] {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const doc = document as unknown as DomDocument;
  removeFurniture(doc, { pageRegions: false });
  return doc.body ? domToBlocks(doc.body) : [];
}
