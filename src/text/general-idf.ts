/**
 * jieba's bundled IDF table, computed on a large general Chinese corpus: how rare a word is in
 * Chinese at large, independent of our articles. The builtin embedder weights terms by it, and
 * question analysis uses it to tell phrasing (一共, 多少钱: common everywhere) from a subject
 * the articles never mention (红烧肉, 显卡: rare in general too).
 */
import { idf as jiebaIdf } from "@node-rs/jieba/dict.js";

interface GeneralIdf {
  table: Map<string, number>;
  median: number;
}

let loaded: GeneralIdf | undefined;

export function generalIdf(): GeneralIdf {
  if (loaded) return loaded;
  const table = new Map<string, number>();
  const values: number[] = [];
  for (const line of Buffer.from(jiebaIdf).toString("utf8").split("\n")) {
    const space = line.lastIndexOf(" ");
    if (space <= 0) continue;
    const value = Number(line.slice(space + 1));
    if (!Number.isFinite(value)) continue;
    table.set(line.slice(0, space), value);
    values.push(value);
  }
  values.sort((a, b) => a - b);
  loaded = { table, median: values[Math.floor(values.length / 2)] ?? 10 };
  return loaded;
}
