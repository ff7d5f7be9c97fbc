/** Scoring cleaning on a folder of captured pages with gold files (see clean-metrics.ts). */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parseArticle } from "../corpus/load.js";
import type { Article } from "../types.js";
import { type PageScore, parseGold, scorePage } from "./clean-metrics.js";

/** The project's capture set: pages from many kinds of sites, each with a gold file. */
export const CAPTURES_DIR = "tests/fixtures/captures";

export interface CapturedPage {
  page: string;
  score: PageScore;
  /** The cleaned article, or null when the loader skipped the page. */
  article: Article | null;
}

/**
 * Score every page of `dir/pages` against its gold file `dir/gold/NAME.gold.txt` (a page without
 * a gold file is not scored).
 */
export async function scoreCaptures(dir: string): Promise<CapturedPage[]> {
  const golds = new Set(await readdir(path.join(dir, "gold")));
  const files = (await readdir(path.join(dir, "pages"))).filter((f) =>
    golds.has(f.replace(/\.[^.]+$/, ".gold.txt")),
  );
  const out: CapturedPage[] = [];
  for (const file of files.sort()) {
    const page = file.replace(/\.[^.]+$/, "");
    const gold = parseGold(await readFile(path.join(dir, "gold", `${page}.gold.txt`), "utf8"));
    let cleaned = { title: "", body: "" };
    let article: Article | null = null;
    try {
      article = parseArticle(file, await readFile(path.join(dir, "pages", file)));
      cleaned = { title: article.meta.title, body: article.body };
    } catch {
      // A page the loader skips keeps nothing: every content line counts as lost.
    }
    out.push({ page, score: scorePage(gold, cleaned), article });
  }
  return out;
}
