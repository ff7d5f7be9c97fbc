/**
 * Every format is reduced to the same small block model before cleaning, so the boilerplate
 * classifier is written once and applies to HTML, Markdown and plain text alike. Tables, code
 * and diagrams are blocks of their own: they are content with a structure that cleaning,
 * chunking and answering must not flatten into sentences.
 */
import { CJK_IDEOGRAPH } from "../text/cjk.js";

/** What the parser saw around a block, for the classifier (HTML gives more than plain text). */
export interface BlockHint {
  /** Share of the block's characters inside links (HTML and Markdown). */
  linkDensity?: number;
  /** Outside the node a reader mode picks as the page's main content (HTML). */
  outsideMain?: boolean;
}

export type TextBlock =
  | { kind: "heading"; level: number; text: string }
  | { kind: "para"; text: string }
  | { kind: "item"; text: string };

/**
 * Hints live beside the blocks, not on them: a block is plain data (compared in tests, written
 * out by inspect), while a hint only matters to the classifier for as long as the page is cleaned.
 */
const hints = new WeakMap<Block, BlockHint>();

export function withHint<B extends Block>(block: B, hint: BlockHint): B {
  hints.set(block, hint);
  return block;
}

export function hintOf(block: Block): BlockHint {
  return hints.get(block) ?? {};
}

export interface TableBlock {
  kind: "table";
  /** Column names; the first column usually names the row's aspect. */
  header: string[];
  rows: string[][];
}

export interface CodeBlock {
  kind: "code";
  /** Language from the fence or the element's class, "" when unknown. */
  lang: string;
  /** Every line as written, indentation kept. */
  text: string;
}

export interface DiagramBlock {
  kind: "diagram";
  /** mermaid, mindmap, plantuml, graphviz … */
  lang: string;
  /** What the diagram says, as readable lines (node labels and edges); never its syntax. */
  lines: string[];
}

export type Block = TextBlock | TableBlock | CodeBlock | DiagramBlock;

export function isTextBlock(block: Block): block is TextBlock {
  return block.kind === "heading" || block.kind === "para" || block.kind === "item";
}

/** Punctuation that a real heading almost never contains but a sentence or a link title does. */
const SENTENCE_PUNCT = /[，。！？；：:,!?;、…“”"《》]/;
const CN_NUM = "[一二三四五六七八九十百]+";

export function hasCjk(text: string): boolean {
  return CJK_IDEOGRAPH.test(text);
}

/**
 * Recognise a heading written as plain text ("一、引言", "2.3 业务拓展", "第二章 …", "(一) 成本",
 * or a short label line) and give it a level that reflects its numbering depth.
 */
export function headingLevelOf(text: string, options: { allowUnnumbered: boolean }): number | null {
  const t = text.trim();
  if (t.length === 0 || t.length > 40) return null;
  if (new RegExp(`^${CN_NUM}\\s*[、.．:：]\\s*\\S`).test(t) && !/[。！？]$/.test(t)) return 2;
  if (new RegExp(`^第[${CN_NUM.slice(1, -2)}\\d]+[章节部分篇]`).test(t)) return 2;
  if (new RegExp(`^[(（]${CN_NUM}[)）]\\s*\\S`).test(t) && !/[。！？]$/.test(t) && t.length <= 30) return 3;
  const dotted = /^(\d+(?:\.\d+)+)\.?\s*[^\d\s.]/.exec(t);
  if (dotted?.[1] && !SENTENCE_PUNCT.test(t.slice(dotted[1].length))) return 1 + dotted[1].split(".").length;
  if (
    /^\d+\s*[.、．]\s*\S/.test(t) &&
    t.length <= 20 &&
    !SENTENCE_PUNCT.test(t.replace(/^\d+\s*[.、．]/, ""))
  )
    return 4;
  if (options.allowUnnumbered && t.length <= 24 && !SENTENCE_PUNCT.test(t) && !/[.。]$/.test(t)) return 5;
  return null;
}

const BULLET = /^\s*(?:[•·●▪◦○■□\-*+–]|\d+[.)、](?=\s))\s+/;

export function stripBullet(text: string): string {
  return text.replace(BULLET, "").trim();
}

export function isBulleted(text: string): boolean {
  return BULLET.test(text);
}

/** Markdown-like `##` headings left in plain text by a "copy all" of a rendered page. */
const HASH_HEADING = /^(#{1,6})\s+(\S.*?)\s*#*$/;

/** Turn lines of plain text into blocks: bullets become items, heading-shaped short lines headings. */
export function blocksFromPlainLines(lines: string[], following = ""): TextBlock[] {
  const blocks: TextBlock[] = [];
  const cleaned = lines.map((l) => l.replace(/\u00a0/g, " ").trim());
  for (let i = 0; i < cleaned.length; i++) {
    const line = cleaned[i] ?? "";
    if (line === "") continue;
    const hashed = HASH_HEADING.exec(line);
    if (hashed) {
      blocks.push({ kind: "heading", level: hashed[1]?.length ?? 2, text: hashed[2] ?? "" });
      continue;
    }
    if (/^\s*[•·●▪◦○■□\-–*]\s+/.test(line)) {
      blocks.push({ kind: "item", text: stripBullet(line) });
      continue;
    }
    // An unnumbered short line is a heading only when real content follows it.
    const next = cleaned.slice(i + 1).find((l) => l !== "") ?? following;
    const level = headingLevelOf(line, {
      allowUnnumbered: next.length > line.length + 10 || isBulleted(next),
    });
    if (level !== null) blocks.push({ kind: "heading", level, text: line });
    else blocks.push({ kind: "para", text: line });
  }
  return blocks;
}

/** Longest fence of backticks in a text, so a code block's own fences never close ours. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(longest + 1);
}

const cell = (s: string) => s.replace(/\|/g, "/").replace(/\s+/g, " ").trim();

/**
 * Blocks → the cleaned body the chunker reads: `#` headings, one paragraph or item per line,
 * tables as pipe rows under a separator, code fenced. The chunker turns tables and code back into
 * blocks of their own, so the body is both readable and lossless for structure.
 */
export function blocksToBody(blocks: Block[]): string {
  return blocks
    .map((b) => {
      switch (b.kind) {
        case "heading":
          return `${"#".repeat(b.level)} ${b.text}`;
        case "item":
          return /^\d+[.、]/.test(b.text) ? b.text : `- ${b.text}`;
        case "para":
          return b.text;
        case "table": {
          const width = Math.max(b.header.length, ...b.rows.map((r) => r.length));
          const row = (cells: string[]) =>
            `| ${Array.from({ length: width }, (_, i) => cell(cells[i] ?? "")).join(" | ")} |`;
          return [row(b.header), `|${" --- |".repeat(width)}`, ...b.rows.map(row)].join("\n");
        }
        case "code": {
          const fence = fenceFor(b.text);
          return `${fence}${b.lang}\n${b.text.replace(/\s+$/, "")}\n${fence}`;
        }
        case "diagram":
          return b.lines.map((l) => `- ${l}`).join("\n");
      }
      return "";
    })
    .join("\n\n");
}
