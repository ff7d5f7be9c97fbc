/**
 * The cleaning gate on the capture set (tests/fixtures/captures: pages imitating many kinds of
 * sites, each with a gold file labelling every visible line): content recall ≥ 0.99 and
 * furniture recall ≥ 0.97 overall, and what reaches the index is made of whole passages —
 * never a heading or a piece of furniture on its own, tables as rows that name their columns,
 * code verbatim, diagrams never as raw syntax.
 */

import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { chunkArticle } from "../../src/chunk/chunker.js";
import { CAPTURES_DIR, type CapturedPage, scoreCaptures } from "../../src/eval/clean-captures.js";
import { cleanMetrics, parseGold } from "../../src/eval/clean-metrics.js";
import type { Chunk } from "../../src/types.js";
import { REPO } from "../helpers/app.js";

const key = (s: string) => s.normalize("NFKC").replace(/\s+/g, "").toLowerCase();

let pages: CapturedPage[] = [];
const chunksOf = new Map<string, Chunk[]>();

beforeAll(async () => {
  pages = await scoreCaptures(path.join(REPO, CAPTURES_DIR));
  for (const p of pages)
    if (p.article) chunksOf.set(p.page, chunkArticle(p.article, { size: 400, overlap: 80 }));
});

const gold = (page: string) =>
  parseGold(readFileSync(path.join(REPO, CAPTURES_DIR, "gold", `${page}.gold.txt`), "utf8"));

describe("the capture set", () => {
  it("has pages from at least 15 kinds of sites, every one read by the loader", () => {
    expect(pages.length).toBeGreaterThanOrEqual(15);
    expect(pages.filter((p) => p.article === null).map((p) => p.page)).toEqual([]);
  });

  it("keeps ≥ 99% of the content lines and drops ≥ 97% of the furniture lines", () => {
    const m = cleanMetrics(pages.map((p) => p.score));
    expect(m.contentRecall).toBeGreaterThanOrEqual(0.99);
    expect(m.furnitureRecall).toBeGreaterThanOrEqual(0.97);
  });

  it("makes no passage of a heading alone or of furniture alone, and no heading of furniture", () => {
    const problems: string[] = [];
    for (const p of pages) {
      const lines = gold(p.page);
      const furniture = new Set(lines.filter((l) => l.kind === "furniture").map((l) => key(l.text)));
      const content = new Set(
        lines.filter((l) => l.kind !== "furniture" && l.kind !== "diagram").map((l) => key(l.text)),
      );
      const headings = new Set(lines.filter((l) => l.kind === "heading").map((l) => key(l.text)));
      for (const c of chunksOf.get(p.page) ?? []) {
        const textLines = c.text.split("\n").map(key).filter(Boolean);
        if (textLines.every((l) => furniture.has(l) && !content.has(l)))
          problems.push(`${p.page}: furniture passage ${c.text}`);
        if (headings.has(key(c.text))) problems.push(`${p.page}: heading-only passage ${c.text}`);
        for (const h of c.headingPath)
          if (furniture.has(key(h)) && !content.has(key(h)))
            problems.push(`${p.page}: furniture heading ${h}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("indexes every code line verbatim in a code passage, and no diagram syntax anywhere", () => {
    const problems: string[] = [];
    for (const p of pages) {
      const chunks = chunksOf.get(p.page) ?? [];
      const codeLines = new Set(chunks.filter((c) => c.kind === "code").flatMap((c) => c.text.split("\n")));
      const all = key(chunks.map((c) => c.text).join("\n"));
      for (const l of gold(p.page)) {
        if (l.kind === "code" && !codeLines.has(l.text.replace(/\s+$/, "")))
          problems.push(`${p.page}: code ${l.text}`);
        if (l.kind === "diagram" && /-->|==>|->|\[|\{|@start/.test(l.text) && all.includes(key(l.text)))
          problems.push(`${p.page}: diagram syntax ${l.text}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("puts every table row in a table passage, under its header, naming its columns", () => {
    const problems: string[] = [];
    for (const p of pages) {
      const rows = gold(p.page).filter((l) => l.kind === "row");
      if (rows.length === 0) continue;
      const tableLines = (chunksOf.get(p.page) ?? [])
        .filter((c) => c.kind === "table")
        .flatMap((c) => c.text.split("\n"));
      // Each gold table starts with its header row; the rows after it must name those columns.
      let header: string[] = [];
      let previousWasRow = false;
      for (const l of gold(p.page)) {
        if (l.kind !== "row") {
          previousWasRow = false;
          continue;
        }
        const cells = l.text.split(" | ");
        if (!previousWasRow) header = cells;
        else if (
          !tableLines.some(
            (t) =>
              cells.every((c) => key(t).includes(key(c))) &&
              header.slice(1).every((h) => !h || key(t).includes(key(h))),
          )
        )
          problems.push(`${p.page}: row ${l.text}`);
        previousWasRow = true;
      }
    }
    expect(problems).toEqual([]);
  });
});
