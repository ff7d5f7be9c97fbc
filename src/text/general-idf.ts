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

/**
 * A word jieba's HMM made up from characters that are all common in Chinese ("会靠" from
 * 会 + 靠 in "接下来会靠什么", "比调" in "比调闭源 API") is a cut between words, not a word. A
 * name jieba does not know has a rarer character (可灵 灵 8.6, 混元 混 7.8, 秘塔 秘 10.5): the
 * line between them, 7.0, sits between the cuts found in the project's question sets (5.6–6.8)
 * and the unknown product names tried (7.6 and up).
 */
const CUT_CHARACTER_IDF = 7.0;

export function isGuessedCut(word: string): boolean {
  const { table } = generalIdf();
  if (word.length < 2 || table.has(word)) return false;
  return [...word].every((ch) => (table.get(ch) ?? Number.POSITIVE_INFINITY) < CUT_CHARACTER_IDF);
}

/**
 * The table's two-character words by their UTF-16 code units, open-addressed in typed arrays:
 * the builtin embedder looks up every character bigram of every passage, and a lookup in the
 * Map of 350,000 strings cost ~0.4 µs (most of embedding a passage).
 */
interface PairTable {
  keys: Uint32Array;
  values: Float64Array;
  mask: number;
}

let pairs: PairTable | undefined;

const pairKey = (c1: number, c2: number) => ((c1 << 16) | c2) >>> 0;
const slotOf = (key: number, mask: number) => (Math.imul(key, 0x9e3779b1) >>> 0) & mask;

function pairTable(): PairTable {
  if (pairs) return pairs;
  const words = [...generalIdf().table].filter(([word]) => word.length === 2);
  let size = 1;
  while (size < words.length * 2) size *= 2;
  const table = { keys: new Uint32Array(size), values: new Float64Array(size), mask: size - 1 };
  for (const [word, value] of words) {
    // Key 0 marks an empty slot; only the pair of two NUL characters has it, and no word is that.
    const key = pairKey(word.charCodeAt(0), word.charCodeAt(1));
    let slot = slotOf(key, table.mask);
    while (table.keys[slot] !== 0) slot = (slot + 1) & table.mask;
    table.keys[slot] = key;
    table.values[slot] = value;
  }
  pairs = table;
  return table;
}

/** The IDF of the two-character word c1 c2 (UTF-16 code units): `generalIdf().table.get(word)`. */
export function pairIdf(c1: number, c2: number): number | undefined {
  const { keys, values, mask } = pairTable();
  const key = pairKey(c1, c2);
  for (let slot = slotOf(key, mask); keys[slot] !== 0; slot = (slot + 1) & mask) {
    if (keys[slot] === key) return values[slot];
  }
  return undefined;
}
