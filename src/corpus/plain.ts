/**
 * Plain text → blocks. A "copy all" of a page keeps no markup, so structure is recognised by
 * shape: fenced or code-shaped runs of lines are code, diagram syntax is a diagram, runs of rows
 * with a separator line or aligned columns are a table, a line-number gutter is split off to be
 * judged on its own, and the rest are paragraphs, items and headings (src/corpus/blocks.ts).
 */
import { type Block, blocksFromPlainLines, type TableBlock } from "./blocks.js";
import { diagramBlock, isDiagramSource } from "./diagram.js";

/** Inline Markdown left in text → plain text: links keep their words, images and emphasis marks go. */
export function stripInlineMarkdown(text: string): string {
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/(\*\*|__)(.*?)\1/g, "$2")
    .replace(/(^|[^*\w])\*(?!\s)([^*]+?)\*(?!\w)/g, "$1$2")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/~~(.*?)~~/g, "$1")
    .trim();
}

const FENCE = /^\s*(```+|~~~+)\s*([\w+#-]*)\s*$/;
/** A run of consecutive integers at the end of a line: a code view's gutter glued to its last line. */
const GLUED_GUTTER = /\s*((?:\b\d{1,3}\s+){2,}\d{1,3})\s*$/;

/** Whether "1 2 3 … n" counts up by one from a small start. */
function isCountingRun(text: string): boolean {
  const numbers = text.trim().split(/\s+/).map(Number);
  if (numbers.length < 3 || numbers.some((n) => !Number.isInteger(n))) return false;
  return numbers.every((n, i) => i === 0 || n === (numbers[i - 1] ?? 0) + 1) && (numbers[0] ?? 99) <= 2;
}

/** How much a line looks like source code rather than prose (0..1). */
function codeLikeness(line: string): number {
  const t = line.trim();
  if (t === "") return 0;
  let score = 0;
  if (
    /^(def|class|import|from|return|if|elif|else|for|while|try|except|const|let|var|function|async|await|public|private|package|#include|print|curl|pip|npm|ollama|docker|python|export)\b/.test(
      t,
    )
  )
    score += 0.6;
  if (/[{}[\];]$|^[}\])]+,?;?$|\):$/.test(t)) score += 0.5;
  // Shell: a continued command line, or a line of flags.
  if (/\s\\$/.test(t)) score += 0.6;
  if (/^--?[a-z][\w-]*(\s|=|$)/i.test(t)) score += 0.5;
  if (/^\s{2,}\S/.test(line) && !/[\u3400-\u9fff]{6,}/.test(t)) score += 0.3;
  if (/^["'][\w.-]+["']\s*:|\s=\s|=>|->|::|\w\(.*\)|^\$ /.test(t)) score += 0.4;
  if (/[。！？，]/.test(t)) score -= 0.6;
  return Math.max(0, Math.min(1, score));
}

const cellsOf = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, "")
    .split(/\s*\|\s*|\t+|\s{2,}/)
    .map((c) => c.trim());
const isSeparatorRow = (line: string) => /^\s*\|?\s*:?-{3,}:?\s*([|+\s]\s*:?-{3,}:?\s*)+\|?\s*$/.test(line);
const isPipeRow = (line: string) => /^\s*\|.*\|\s*$/.test(line) && line.split("|").length >= 4;

/**
 * A table starting at line i: pipe rows, rows around a separator line (`---- ----`), or at
 * least three lines of aligned columns with the same number of short cells.
 */
function tableAt(lines: string[], i: number): { table: TableBlock; end: number } | null {
  const rows: string[][] = [];
  let j = i;
  const first = lines[i] ?? "";
  if (isPipeRow(first)) {
    for (; j < lines.length && (isPipeRow(lines[j] ?? "") || isSeparatorRow(lines[j] ?? "")); j++)
      if (!isSeparatorRow(lines[j] ?? "")) rows.push(cellsOf(lines[j] ?? ""));
  } else {
    const width = cellsOf(first).length;
    const aligned = (line: string) => {
      const cells = cellsOf(line);
      return (
        /\S(\t|\s{2,})\S/.test(line.trim()) &&
        cells.length === width &&
        cells.every((c) => c.length > 0 && c.length <= 40 && !/[。！？]$/.test(c))
      );
    };
    if (width < 2 || !aligned(first)) return null;
    const separated = isSeparatorRow(lines[i + 1] ?? "");
    for (; j < lines.length; j++) {
      const line = lines[j] ?? "";
      if (isSeparatorRow(line)) continue;
      if (!aligned(line)) break;
      rows.push(cellsOf(line));
    }
    if (rows.length < (separated ? 2 : 3)) return null;
  }
  if (rows.length < 2) return null;
  const [header, ...body] = rows;
  return { table: { kind: "table", header: header ?? [], rows: body }, end: j };
}

export function plainTextToBlocks(text: string): Block[] {
  const lines = text.split(/\r?\n/);
  const blocks: Block[] = [];
  const pending: string[] = [];
  const flush = (following = "") => {
    if (pending.length === 0) return;
    blocks.push(...blocksFromPlainLines(pending.splice(0).map(stripInlineMarkdown), following));
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const fence = FENCE.exec(line);
    if (fence) {
      const close = lines.findIndex((l, k) => k > i && new RegExp(`^\\s*${fence[1]}\\s*$`).test(l));
      const end = close === -1 ? lines.length : close;
      const body = lines.slice(i + 1, end).join("\n");
      flush();
      const lang = fence[2] ?? "";
      if (body.trim())
        blocks.push(
          isDiagramSource(lang, body) ? diagramBlock(lang, body) : { kind: "code", lang, text: body },
        );
      i = end;
      continue;
    }
    if (isDiagramSource("", line)) {
      let end = i + 1;
      while (end < lines.length && (lines[end] ?? "").trim() !== "" && !/^\s*@end/.test(lines[end - 1] ?? ""))
        end++;
      flush();
      blocks.push(diagramBlock("", lines.slice(i, end).join("\n")));
      i = end - 1;
      continue;
    }
    const table = tableAt(lines, i);
    if (table) {
      flush();
      blocks.push(table.table);
      i = table.end - 1;
      continue;
    }
    // Three or more code-shaped lines in a row are a snippet pasted without a fence.
    if (codeLikeness(line) >= 0.5) {
      let end = i;
      while (
        end < lines.length &&
        (codeLikeness(lines[end] ?? "") >= 0.3 ||
          ((lines[end] ?? "").trim() === "" && codeLikeness(lines[end + 1] ?? "") >= 0.5))
      )
        end++;
      if (end - i >= 3) {
        flush();
        const snippet = lines.slice(i, end);
        const last = snippet[snippet.length - 1] ?? "";
        const glued = GLUED_GUTTER.exec(last);
        if (glued?.[1] && isCountingRun(glued[1])) snippet[snippet.length - 1] = last.slice(0, glued.index);
        blocks.push({ kind: "code", lang: "", text: snippet.join("\n").replace(/\s+$/, "") });
        if (glued?.[1] && isCountingRun(glued[1])) blocks.push({ kind: "para", text: glued[1] });
        i = end - 1;
        continue;
      }
    }
    // A gutter glued onto the end of a sentence: the sentence stays, the numbers are judged apart.
    const glued = GLUED_GUTTER.exec(line);
    if (glued?.[1] && glued.index > 0 && isCountingRun(glued[1])) {
      pending.push(line.slice(0, glued.index));
      flush();
      blocks.push({ kind: "para", text: glued[1] });
      continue;
    }
    if (line.trim() === "") {
      flush(lines.slice(i + 1).find((l) => l.trim() !== "") ?? "");
      continue;
    }
    pending.push(line);
  }
  flush();
  return blocks;
}
