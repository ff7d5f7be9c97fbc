import type { ArticleFormat, ArticleMeta } from "../types.js";
import { type Block, blocksToBody, hasCjk, isTextBlock } from "./blocks.js";
import { type RemovedBlock, removeBoilerplate } from "./boilerplate.js";
import { htmlToBlocks } from "./html.js";
import { markdownToBlocks } from "./markdown.js";
import { plainTextToBlocks } from "./plain.js";

export interface CleanedArticle {
  title: string;
  body: string;
  author?: string;
  date?: string;
  /** What cleaning dropped, each with its reason. */
  removed: RemovedBlock[];
}

function looksLikeTitle(block: Block): boolean {
  if (!isTextBlock(block)) return false;
  const t = block.text;
  return t.length >= 4 && t.length <= 100 && (hasCjk(t) || t.split(/\s+/).length >= 3);
}

const titleKeyOf = (s: string) =>
  s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, "");

function isTitleLine(text: string, title: string): boolean {
  const line = titleKeyOf(text);
  const key = titleKeyOf(title);
  if (line.length < 4 || key.length < 4) return false;
  return key.includes(line) || (line.includes(key) && line.length <= key.length + 10);
}

/**
 * Raw article text (front matter already split off) → title and cleaned body. The title comes
 * from metadata when given, else the page's first heading, else its first title-like line; the
 * line that carried the title is taken out of the body so that it is not a passage of its own.
 */
export function cleanArticle(
  text: string,
  format: ArticleFormat,
  meta: Partial<ArticleMeta>,
  fallbackTitle: string,
): CleanedArticle {
  let blocks: Block[];
  let pageTitle: string | undefined;
  if (format === "html") {
    const extract = htmlToBlocks(text);
    blocks = extract.blocks;
    pageTitle = extract.title;
  } else if (format === "markdown") {
    blocks = markdownToBlocks(text);
    // A Markdown page's first-level heading is its title, wherever the capture put it.
    const h1 = blocks.find((b) => b.kind === "heading" && b.level === 1);
    if (h1 && isTextBlock(h1)) pageTitle = h1.text;
  } else blocks = plainTextToBlocks(text);

  const cleaned = removeBoilerplate(blocks, {
    title: meta.title ?? pageTitle ?? "",
    findTitleLine: !pageTitle,
  });
  blocks = cleaned.blocks;

  let title = meta.title;
  const first = blocks[0];
  // An HTML page names its title (<h1>, <title>), so its first paragraph is never taken for one.
  const untitled = !title && !pageTitle;
  if (
    first &&
    isTextBlock(first) &&
    ((first.kind === "heading" && first.level === 1) ||
      (untitled && looksLikeTitle(first) && first.kind !== "item"))
  ) {
    title ??= first.text;
    blocks = blocks.slice(1);
  }
  title ??= pageTitle;
  // A plain first line that repeats the title given by metadata is the page's title line.
  const lead = blocks[0];
  if (lead && (lead.kind === "para" || lead.kind === "item") && title && isTitleLine(lead.text, title))
    blocks = blocks.slice(1);
  // A heading that merely repeats the title adds nothing to a heading path.
  const titleKey = (title ?? "").replace(/[\s\p{P}]/gu, "");
  blocks = blocks.filter((b) => !(b.kind === "heading" && b.text.replace(/[\s\p{P}]/gu, "") === titleKey));

  const result: CleanedArticle = {
    title: (title ?? fallbackTitle).trim(),
    body: blocksToBody(blocks),
    removed: cleaned.removed,
  };
  if (cleaned.author) result.author = cleaned.author;
  if (cleaned.date) result.date = cleaned.date;
  return result;
}
