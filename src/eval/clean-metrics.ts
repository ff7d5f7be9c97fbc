/**
 * Line-level scoring of cleaning against a gold file that labels every visible line of a captured
 * page (format: tests/fixtures/captures/README.md). A content line counts as kept when its text
 * is in the cleaned article (a heading line as a heading, a table row's cells in one row, a code
 * line verbatim); a furniture line counts as leaked when a line of the cleaned article is that
 * furniture (for long furniture: contains it). Diagram syntax counts as leaked when it appears raw.
 */

export type GoldKind = "content" | "heading" | "row" | "code" | "furniture" | "diagram";

export interface GoldLine {
  kind: GoldKind;
  text: string;
}

export function parseGold(text: string): GoldLine[] {
  const out: GoldLine[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") continue;
    const m = /^(\+#|\+\||\+\$|-~|\+|-) (.*)$/.exec(line);
    if (!m) throw new Error(`gold line without a label: ${line}`);
    const kind = (
      {
        "+#": "heading",
        "+|": "row",
        "+$": "code",
        "-~": "diagram",
        "+": "content",
        "-": "furniture",
      } as const
    )[m[1] as "+"];
    out.push({ kind, text: m[2] ?? "" });
  }
  return out;
}

/** Whitespace and markup-insensitive form for matching prose. */
const key = (s: string) => s.normalize("NFKC").replace(/\s+/g, "").replace(/[*_`]/g, "").toLowerCase();

export interface CleanedOutput {
  title: string;
  /** The cleaned body as the chunker reads it (src/corpus/blocks.ts blocksToBody). */
  body: string;
}

export interface LineResult {
  line: GoldLine;
  /** Content: survived. Furniture/diagram: removed. */
  ok: boolean;
}

export interface PageScore {
  content: number;
  contentKept: number;
  furniture: number;
  furnitureDropped: number;
  /** Content lines that survived but not in their structure (a heading as body text). */
  headingsFlattened: number;
  lines: LineResult[];
}

interface OutputLine {
  raw: string;
  key: string;
  heading: boolean;
  row: boolean;
}

function outputLines(out: CleanedOutput): OutputLine[] {
  const lines: OutputLine[] = [{ raw: out.title, key: key(out.title), heading: true, row: false }];
  for (const raw of out.body.split("\n")) {
    if (raw.trim() === "") continue;
    const heading = /^#{1,6} /.test(raw);
    const row = /^\|.*\|$/.test(raw.trim());
    const text = raw.replace(/^#{1,6} /, "").replace(/^- /, "");
    lines.push({ raw, key: key(text), heading, row });
  }
  return lines;
}

export function scorePage(gold: GoldLine[], out: CleanedOutput): PageScore {
  const lines = outputLines(out);
  const all = lines.map((l) => l.key).join("\n");
  const rawLines = new Set(out.body.split("\n").map((l) => l.replace(/\s+$/, "")));
  const contentKeys = new Set(
    gold.filter((g) => g.kind !== "furniture" && g.kind !== "diagram").map((g) => key(g.text)),
  );
  const results: LineResult[] = [];
  let headingsFlattened = 0;
  for (const g of gold) {
    const k = key(g.text);
    let ok: boolean;
    switch (g.kind) {
      case "content":
        ok = k === "" || all.includes(k);
        break;
      case "heading": {
        ok = all.includes(k);
        if (ok && !lines.some((l) => l.heading && l.key.includes(k))) headingsFlattened++;
        break;
      }
      case "row": {
        const cells = g.text
          .split(" | ")
          .map(key)
          .filter((c) => c !== "");
        ok = lines.some((l) => cells.every((c) => l.key.includes(c)));
        break;
      }
      case "code":
        ok = rawLines.has(g.text.replace(/\s+$/, ""));
        break;
      case "furniture": {
        // Text that is also a content line of the page cannot be judged by text alone.
        if (contentKeys.has(k) || k === "") continue;
        // Short furniture ("许可证", "关注") also occurs inside content words: it leaks only as a line
        // of its own (give or take a counter); longer furniture leaks wherever it appears.
        const leaked = lines.some(
          (l) =>
            l.key === k ||
            (l.key.includes(k) && (k.length >= 12 || (k.length >= 4 && l.key.length <= k.length + 4))),
        );
        ok = !leaked;
        break;
      }
      case "diagram": {
        // Only lines with diagram syntax can leak as syntax; a bare label may be rendered as text.
        if (
          !/(-->|==>|-\.->|->|\[|\{|\(\(|@start|@end|^\s*(graph|flowchart|mindmap|sequenceDiagram)\b)/.test(
            g.text,
          )
        )
          continue;
        ok = !all.includes(k);
        break;
      }
    }
    results.push({ line: g, ok });
  }
  const isContent = (r: LineResult) => !["furniture", "diagram"].includes(r.line.kind);
  return {
    content: results.filter(isContent).length,
    contentKept: results.filter((r) => isContent(r) && r.ok).length,
    furniture: results.filter((r) => !isContent(r)).length,
    furnitureDropped: results.filter((r) => !isContent(r) && r.ok).length,
    headingsFlattened,
    lines: results,
  };
}

export interface CleanMetrics {
  contentRecall: number;
  contentPrecision: number;
  furnitureRecall: number;
  furniturePrecision: number;
}

export function cleanMetrics(
  scores: Array<Pick<PageScore, "content" | "contentKept" | "furniture" | "furnitureDropped">>,
): CleanMetrics {
  const sum = (f: (s: (typeof scores)[number]) => number) => scores.reduce((n, s) => n + f(s), 0);
  const content = sum((s) => s.content);
  const kept = sum((s) => s.contentKept);
  const furniture = sum((s) => s.furniture);
  const dropped = sum((s) => s.furnitureDropped);
  const leaked = furniture - dropped;
  const lost = content - kept;
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  return {
    contentRecall: ratio(kept, content),
    contentPrecision: ratio(kept, kept + leaked),
    furnitureRecall: ratio(dropped, furniture),
    furniturePrecision: ratio(dropped, dropped + lost),
  };
}
