import { createHash } from "node:crypto";
import { type Span, splitLongSpan, splitSentences } from "../text/sentences.js";
import type { Article, Chunk, PassageKind } from "../types.js";

export interface ChunkingOptions {
  /** Target passage length in characters. */
  size: number;
  /** Characters of trailing sentences repeated at the start of the next passage of the same section. */
  overlap: number;
}

export const HEADING_SEPARATOR = " › ";

/** A table of the body (pipe rows under a separator, src/corpus/blocks.ts), row by row. */
interface TableUnit {
  kind: "table";
  header: string[];
  rows: Array<{ cells: string[]; start: number; end: number }>;
}

/** A fenced code block of the body, line by line, indentation kept. */
interface CodeUnit {
  kind: "code";
  lang: string;
  lines: Array<{ text: string; start: number; end: number }>;
}

interface ProseUnit {
  kind: "text";
  sentences: Span[];
}

type Unit = ProseUnit | TableUnit | CodeUnit;

interface Section {
  headingPath: string[];
  units: Unit[];
}

const FENCE = /^(`{3,}|~{3,})([\w+#-]*)\s*$/;
const PIPE_ROW = /^\|.*\|\s*$/;
const SEPARATOR_ROW = /^\|(\s*:?-{3,}:?\s*\|)+\s*$/;
const cellsOf = (row: string) =>
  row
    .trim()
    .replace(/^\||\|$/g, "")
    .split("|")
    .map((c) => c.trim());

/**
 * Split the cleaned body (Markdown-style `#` headings, one paragraph or list item per line,
 * tables as pipe rows, code fenced) into sections of prose sentences, table rows and code lines.
 */
function sections(body: string, maxSentence: number): Section[] {
  const out: Section[] = [];
  const stack: Array<{ level: number; text: string }> = [];
  let current: Section | null = null;
  const lines = body.split("\n");
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const section = () => {
    if (!current) {
      current = { headingPath: stack.map((h) => h.text), units: [] };
      out.push(current);
    }
    return current;
  };
  const prose = () => {
    const units = section().units;
    const last = units[units.length - 1];
    if (last?.kind === "text") return last;
    const unit: ProseUnit = { kind: "text", sentences: [] };
    units.push(unit);
    return unit;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const lineStart = starts[i] ?? 0;
    const fence = FENCE.exec(line);
    if (fence) {
      const close = lines.findIndex((l, k) => k > i && l.trim() === fence[1]);
      const end = close === -1 ? lines.length : close;
      const code: CodeUnit = { kind: "code", lang: fence[2] ?? "", lines: [] };
      for (let k = i + 1; k < end; k++) {
        const text = lines[k] ?? "";
        code.lines.push({ text, start: starts[k] ?? 0, end: (starts[k] ?? 0) + text.length });
      }
      if (code.lines.some((l) => l.text.trim() !== "")) section().units.push(code);
      i = end;
      continue;
    }
    if (PIPE_ROW.test(line) && SEPARATOR_ROW.test(lines[i + 1] ?? "")) {
      const table: TableUnit = { kind: "table", header: cellsOf(line), rows: [] };
      let k = i + 2;
      for (; k < lines.length && PIPE_ROW.test(lines[k] ?? ""); k++) {
        const row = lines[k] ?? "";
        table.rows.push({ cells: cellsOf(row), start: starts[k] ?? 0, end: (starts[k] ?? 0) + row.length });
      }
      if (table.rows.length > 0) section().units.push(table);
      i = k - 1;
      continue;
    }
    const heading = /^(#{1,6}) (.*)$/.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 1;
      while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= level) stack.pop();
      stack.push({ level, text: (heading[2] ?? "").trim() });
      current = null;
      continue;
    }
    if (line.trim() === "") continue;
    const unit = prose();
    for (const s of splitSentences(line)) {
      const abs = { start: lineStart + s.start, end: lineStart + s.end };
      unit.sentences.push(...splitLongSpan(body, abs, maxSentence));
    }
  }
  return out;
}

export function chunkId(source: string, text: string): string {
  return createHash("sha256").update(`${source}\n${text}`).digest("hex").slice(0, 24);
}

/** The text given to the embedder: title and heading path give a short passage its context. */
export function embeddingText(chunk: Pick<Chunk, "title" | "headingPath" | "text" | "lead">): string {
  return [chunk.title, chunk.headingPath.join(HEADING_SEPARATOR), chunk.lead ?? "", chunk.text]
    .filter(Boolean)
    .join("\n");
}

/**
 * A table row as a sentence that carries its header: "维护 — 开源：自己负责；闭源：提供商负责".
 * Read alone (in a passage, a citation, an answer) it still says which column is which.
 */
export function rowText(header: string[], cells: string[]): string {
  const [first = "", ...rest] = cells;
  const pairs = rest
    .map((cell, i) => {
      const name = header[i + 1] ?? "";
      if (cell === "") return "";
      return name ? `${name}：${cell}` : cell;
    })
    .filter(Boolean);
  if (pairs.length === 0) return first;
  return first ? `${first} — ${pairs.join("；")}` : pairs.join("；");
}

interface Piece {
  text: string;
  start: number;
  end: number;
  kind: PassageKind;
}

/** Pack a prose unit's sentences into passages with overlap (see chunkArticle). */
function prosePieces(body: string, sentences: Span[], options: ChunkingOptions): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  while (i < sentences.length) {
    const first = sentences[i];
    if (!first) break;
    let j = i;
    while (j + 1 < sentences.length && (sentences[j + 1]?.end ?? 0) - first.start <= options.size) j++;
    const last = sentences[j] ?? first;
    pieces.push({
      text: body.slice(first.start, last.end).replace(/\n{2,}/g, "\n"),
      start: first.start,
      end: last.end,
      kind: "text",
    });
    if (j + 1 >= sentences.length) break;
    // Step back over trailing sentences that fit in the overlap, but always move forward.
    let next = j + 1;
    while (next - 1 > i && last.end - (sentences[next - 1]?.start ?? 0) <= options.overlap) next--;
    // Only as far as the next passage can still take in the sentence that did not fit: one
    // holding nothing but this passage's last sentences would be a duplicate of them.
    const following = sentences[j + 1];
    while (next <= j && following && following.end - (sentences[next]?.start ?? 0) > options.size) next++;
    i = next;
  }
  return pieces;
}

/** Rows packed into passages of about `size`, each passage starting with the header line. */
function tablePieces(table: TableUnit, options: ChunkingOptions): Piece[] {
  const headerLine = table.header.filter(Boolean).join(" | ");
  const pieces: Piece[] = [];
  let rows: TableUnit["rows"] = [];
  const flush = () => {
    if (rows.length === 0) return;
    const lines = rows.map((r) => rowText(table.header, r.cells));
    pieces.push({
      text: [headerLine, ...lines].filter(Boolean).join("\n"),
      start: rows[0]?.start ?? 0,
      end: rows[rows.length - 1]?.end ?? 0,
      kind: "table",
    });
    rows = [];
  };
  let length = headerLine.length;
  for (const row of table.rows) {
    const add = rowText(table.header, row.cells).length + 1;
    if (rows.length > 0 && length + add > options.size) {
      flush();
      length = headerLine.length;
    }
    rows.push(row);
    length += add;
  }
  flush();
  return pieces;
}

/** Code whole when it fits in twice the passage size, else cut between lines; always fenced. */
function codePieces(code: CodeUnit, options: ChunkingOptions): Piece[] {
  const fenced = (lines: CodeUnit["lines"]): Piece => ({
    text: `\`\`\`${code.lang}\n${lines.map((l) => l.text).join("\n")}\n\`\`\``,
    start: lines[0]?.start ?? 0,
    end: lines[lines.length - 1]?.end ?? 0,
    kind: "code",
  });
  const total = code.lines.reduce((n, l) => n + l.text.length + 1, 0);
  if (total <= options.size * 2) return [fenced(code.lines)];
  const pieces: Piece[] = [];
  let part: CodeUnit["lines"] = [];
  let length = 0;
  for (const line of code.lines) {
    if (part.length > 0 && length + line.text.length + 1 > options.size) {
      pieces.push(fenced(part));
      part = [];
      length = 0;
    }
    part.push(line);
    length += line.text.length + 1;
  }
  if (part.some((l) => l.text.trim() !== "")) pieces.push(fenced(part));
  return pieces;
}

/**
 * Pack each section into passages of about `size` characters. Prose sentences are packed with
 * up to `overlap` characters of trailing sentences repeated, so that a fact split across a
 * boundary is still whole in one passage; a table's rows are packed under its header, each row
 * naming its columns; code stays whole where it fits and keeps every line. Passages never cross
 * a section, so their heading path is exact, and a heading with nothing under it yields none.
 */
export function chunkArticle(article: Article, options: ChunkingOptions): Chunk[] {
  const { body } = article;
  const chunks: Chunk[] = [];
  for (const section of sections(body, options.size)) {
    // The last prose sentence before a table or code block, within the section, introduces it.
    let lead: string | undefined;
    for (const unit of section.units) {
      const pieces =
        unit.kind === "text"
          ? prosePieces(body, unit.sentences, options)
          : unit.kind === "table"
            ? tablePieces(unit, options)
            : codePieces(unit, options);
      for (const piece of pieces) {
        chunks.push({
          id: chunkId(article.source, piece.text),
          source: article.source,
          title: article.meta.title,
          ...(article.meta.url ? { url: article.meta.url } : {}),
          headingPath: section.headingPath,
          ordinal: chunks.length,
          start: piece.start,
          end: piece.end,
          text: piece.text,
          kind: piece.kind,
          ...(piece.kind !== "text" && lead ? { lead } : {}),
        });
      }
      const last = unit.kind === "text" ? unit.sentences[unit.sentences.length - 1] : undefined;
      lead = last ? body.slice(last.start, last.end).trim() : undefined;
    }
  }
  return chunks;
}
