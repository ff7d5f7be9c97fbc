/**
 * Markdown → blocks through a real parser (markdown-it): setext and ATX headings, reference links
 * and their definitions, escapes, fenced and indented code, tables and inline HTML are read as
 * CommonMark defines them. Captures often put one paragraph per line without blank lines between
 * them, so a paragraph's soft line breaks are kept as block boundaries, and such lines are read
 * like plain text (bullets, heading-shaped lines).
 */
import MarkdownIt from "markdown-it";

type Token = ReturnType<InstanceType<typeof MarkdownIt>["parse"]>[number];

import {
  type Block,
  type BlockHint,
  blocksFromPlainLines,
  headingLevelOf,
  type TextBlock,
  withHint,
} from "./blocks.js";
import { diagramBlock, isDiagramSource } from "./diagram.js";
import { htmlFragmentToBlocks } from "./html.js";

const parser = new MarkdownIt({ html: true, linkify: false });

interface InlineText {
  /** Plain text, soft and hard breaks as "\n". */
  text: string;
  /** Characters inside links, for link density. */
  linked: number;
  /** Whether every visible character is bold. */
  allBold: boolean;
}

function inlineText(token: Token): InlineText {
  let text = "";
  let linked = 0;
  let inLink = 0;
  let bold = 0;
  let nonBold = false;
  for (const child of token.children ?? []) {
    switch (child.type) {
      case "text":
      case "code_inline": {
        text += child.content;
        if (inLink > 0) linked += child.content.replace(/\s+/g, "").length;
        if (bold === 0 && child.content.trim() !== "") nonBold = true;
        break;
      }
      case "softbreak":
      case "hardbreak":
        text += "\n";
        break;
      case "link_open":
        inLink++;
        break;
      case "link_close":
        inLink--;
        break;
      case "strong_open":
        bold++;
        break;
      case "strong_close":
        bold--;
        break;
      case "html_inline":
        // <br> is a line break; other tags are markup around text that follows as text tokens.
        if (/^<br\s*\/?>$/i.test(child.content)) text += "\n";
        break;
      default:
        // Images: their alt text is a placeholder, not article text.
        break;
    }
  }
  return { text, linked, allBold: !nonBold && text.trim() !== "" };
}

function hintOf(inline: InlineText): BlockHint {
  const chars = inline.text.replace(/\s+/g, "").length || 1;
  return { linkDensity: Math.min(1, inline.linked / chars) };
}

/** Lines of a paragraph → blocks, as plain-text lines are read. */
function paragraphBlocks(inline: InlineText, following: string): TextBlock[] {
  const lines = inline.text.split("\n");
  if (inline.allBold && lines.length === 1) {
    const text = (lines[0] ?? "").trim().replace(/[:：]$/, "");
    const level = headingLevelOf(text, { allowUnnumbered: true });
    if (level !== null) return [{ kind: "heading", level, text }];
  }
  const hint = hintOf(inline);
  return blocksFromPlainLines(lines, following).map((b) => withHint(b, hint));
}

/** The text of the next paragraph-like token after index i, for "is real content following?". */
function followingText(tokens: Token[], i: number): string {
  for (let j = i + 1; j < tokens.length; j++) {
    const t = tokens[j];
    if (t?.type === "inline") return t.content.split("\n")[0] ?? "";
    if (t?.type === "fence" || t?.type === "table_open") return "";
  }
  return "";
}

function tableFrom(tokens: Token[], start: number): { block: Block | null; end: number } {
  const rows: string[][] = [];
  let row: string[] | null = null;
  let i = start;
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) break;
    if (t.type === "table_close") break;
    if (t.type === "tr_open") row = [];
    else if (t.type === "tr_close" && row) {
      rows.push(row);
      row = null;
    } else if (t.type === "inline" && row) row.push(inlineText(t).text.replace(/\s+/g, " ").trim());
  }
  const [header, ...body] = rows;
  const block: Block | null = header ? { kind: "table", header, rows: body } : null;
  return { block, end: i };
}

export function markdownToBlocks(markdown: string): Block[] {
  const tokens = parser.parse(markdown, {});
  const blocks: Block[] = [];
  let listDepth = 0;
  let itemParagraphs = 0;
  let itemNumber = "";
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    switch (t.type) {
      case "heading_open": {
        const inline = tokens[i + 1];
        const text = inline ? inlineText(inline).text.replace(/\s+/g, " ").trim() : "";
        if (text) blocks.push({ kind: "heading", level: Number(t.tag.slice(1)), text });
        i += 2;
        break;
      }
      case "bullet_list_open":
      case "ordered_list_open":
        listDepth++;
        break;
      case "bullet_list_close":
      case "ordered_list_close":
        listDepth--;
        break;
      case "list_item_open":
        itemParagraphs = 0;
        // An ordered item keeps its number: "1. 第一步" reads as a step, "第一步" alone does not.
        itemNumber = t.markup === "." || t.markup === ")" ? `${t.info}. ` : "";
        break;
      case "inline": {
        const inline = inlineText(t);
        if (listDepth > 0) {
          // The first paragraph of a list item is the item; its further lines and paragraphs
          // continue it as paragraphs of their own.
          const [first, ...rest] = inline.text.split("\n");
          const hint = hintOf(inline);
          if (itemParagraphs++ === 0 && first?.trim())
            blocks.push(withHint({ kind: "item", text: `${itemNumber}${first.trim()}` }, hint));
          else if (first?.trim()) blocks.push(withHint({ kind: "para", text: first.trim() }, hint));
          for (const line of rest)
            if (line.trim()) blocks.push(withHint({ kind: "para", text: line.trim() }, hint));
        } else blocks.push(...paragraphBlocks(inline, followingText(tokens, i)));
        break;
      }
      case "fence":
      case "code_block": {
        const lang = t.info.trim().split(/\s+/)[0] ?? "";
        const text = t.content.replace(/\s+$/, "");
        if (!text.trim()) break;
        if (isDiagramSource(lang, text)) blocks.push(diagramBlock(lang, text));
        else if (t.type === "code_block" && looksLikeProse(text))
          // Indented prose (a capture's paragraphs indented by four spaces) is not code.
          blocks.push(...blocksFromPlainLines(text.split("\n")));
        else blocks.push({ kind: "code", lang, text });
        break;
      }
      case "table_open": {
        const { block, end } = tableFrom(tokens, i);
        if (block) blocks.push(block);
        i = end;
        break;
      }
      case "html_block":
        blocks.push(...htmlFragmentToBlocks(t.content));
        break;
      default:
        break;
    }
  }
  return blocks;
}

/** Lines that read as sentences (CJK text with sentence punctuation), not as code. */
function looksLikeProse(text: string): boolean {
  const cjk = (text.match(/[\u3400-\u9fff]/g) ?? []).length;
  return cjk > text.replace(/\s+/g, "").length * 0.4 && /[。，！？]/.test(text);
}
