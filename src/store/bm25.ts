/**
 * BM25 over pre-tokenised passages with an inverted index, so a query touches only the postings
 * of its own terms (LangChain's BM25Retriever rescans every document and cannot segment Chinese).
 *
 * The postings are typed arrays, stored as they are: the terms in UTF-8 byte order (looked up
 * by binary search, so loading builds no Map), and per term a run of [passage, term frequency]
 * pairs in passage order.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  findSorted,
  identityOrder,
  readTyped,
  StringTable,
  StringTableWriter,
  sortedOrder,
  writeTyped,
} from "./binary.js";

export interface Bm25Data {
  k1: number;
  b: number;
  avgLength: number;
  /** Terms per passage. */
  lengths: Uint32Array;
  /** Every term, in UTF-8 byte order. */
  terms: StringTable;
  /** Term t's postings are positions starts[t] … starts[t + 1] - 1 of `docs` and `tfs`. */
  starts: Float64Array;
  /** Passage positions, ascending within each term. */
  docs: Uint32Array;
  /** Term frequency in the passage beside it in `docs`. */
  tfs: Uint32Array;
}

export interface Bm25Hit {
  index: number;
  score: number;
}

/**
 * Builds postings one passage at a time, so a million passages are never held as token lists:
 * each passage's (term, frequency) pairs are appended to flat arrays, then grouped by term with
 * a counting sort.
 */
export class Bm25Builder {
  private readonly termIds = new Map<string, number>();
  private readonly lengths: number[] = [];
  /** Per passage, where its pairs start in pairTerms / pairTfs. */
  private readonly docStarts: number[] = [0];
  private pairTerms = new Uint32Array(1 << 16);
  private pairTfs = new Uint32Array(1 << 16);
  private pairs = 0;

  constructor(
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {}

  get documents(): number {
    return this.lengths.length;
  }

  add(terms: readonly string[]): void {
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    this.addCounted([...tf.keys()], [...tf.values()], terms.length);
  }

  /** A passage already counted: its distinct terms, their frequencies and its length in terms. */
  addCounted(terms: readonly string[], tfs: ArrayLike<number>, length: number): void {
    const ids = terms.map((term) => this.termId(term));
    this.addIds(
      ids.map((_, i) => i),
      ids,
      tfs,
      length,
    );
  }

  /** The builder's id for a term, given one on first sight. */
  termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.termIds.size;
      this.termIds.set(term, id);
    }
    return id;
  }

  /**
   * A passage already counted, its distinct terms named by index into `ids` (termId of a batch's
   * vocabulary, looked up once for many passages), with their frequencies and its length.
   */
  addIds(terms: ArrayLike<number>, ids: readonly number[], tfs: ArrayLike<number>, length: number): void {
    if (this.pairs + terms.length > this.pairTerms.length) this.grow(this.pairs + terms.length);
    for (let i = 0; i < terms.length; i++) {
      this.pairTerms[this.pairs] = ids[terms[i] as number] as number;
      this.pairTfs[this.pairs] = tfs[i] ?? 0;
      this.pairs++;
    }
    this.lengths.push(length);
    this.docStarts.push(this.pairs);
  }

  private grow(needed: number): void {
    const size = Math.max(needed, this.pairTerms.length * 2);
    const terms = new Uint32Array(size);
    terms.set(this.pairTerms.subarray(0, this.pairs));
    const tfs = new Uint32Array(size);
    tfs.set(this.pairTfs.subarray(0, this.pairs));
    this.pairTerms = terms;
    this.pairTfs = tfs;
  }

  finish(): Bm25Data {
    const vocabulary = [...this.termIds.keys()];
    // Terms in byte order; rank[id] is a term's place in that order.
    const order = sortedOrder(vocabulary);
    const rank = new Uint32Array(order.length);
    order.forEach((id, place) => {
      rank[id] = place;
    });
    const starts = new Float64Array(vocabulary.length + 1);
    for (let p = 0; p < this.pairs; p++) starts[rank[this.pairTerms[p]!]! + 1]!++;
    for (let t = 0; t < vocabulary.length; t++) starts[t + 1] = starts[t + 1]! + starts[t]!;
    const next = Float64Array.from(starts.subarray(0, vocabulary.length));
    const docs = new Uint32Array(this.pairs);
    const tfs = new Uint32Array(this.pairs);
    // Passages in order, so each term's postings come out in passage order.
    for (let doc = 0; doc < this.lengths.length; doc++) {
      for (let p = this.docStarts[doc]!; p < this.docStarts[doc + 1]!; p++) {
        const t = rank[this.pairTerms[p]!]!;
        const at = next[t]!;
        docs[at] = doc;
        tfs[at] = this.pairTfs[p]!;
        next[t] = at + 1;
      }
    }
    const writer = new StringTableWriter();
    for (const id of order) writer.add(vocabulary[id] ?? "");
    const total = this.lengths.reduce((a, n) => a + n, 0);
    return {
      k1: this.k1,
      b: this.b,
      avgLength: this.lengths.length ? total / this.lengths.length : 0,
      lengths: Uint32Array.from(this.lengths),
      terms: writer.toTable(),
      starts,
      docs,
      tfs,
    };
  }
}

export function buildBm25(docs: string[][], k1 = 1.2, b = 0.75): Bm25Data {
  const builder = new Bm25Builder(k1, b);
  for (const terms of docs) builder.add(terms);
  return builder.finish();
}

const FILES = {
  info: "bm25.json",
  lengths: "lengths.u32",
  terms: "terms.utf8",
  termOffsets: "terms-offsets.f64",
  starts: "starts.f64",
  docs: "docs.u32",
  tfs: "tfs.u32",
};

/** Writes the postings into `dir` as typed-array files and a small JSON of the parameters. */
export async function saveBm25(dir: string, data: Bm25Data): Promise<void> {
  await mkdir(dir, { recursive: true });
  const at = (name: string) => path.join(dir, name);
  await writeTyped(at(FILES.lengths), data.lengths);
  await data.terms.save(at(FILES.terms), at(FILES.termOffsets));
  await writeTyped(at(FILES.starts), data.starts);
  await writeTyped(at(FILES.docs), data.docs);
  await writeTyped(at(FILES.tfs), data.tfs);
  const info = {
    k1: data.k1,
    b: data.b,
    avgLength: data.avgLength,
    passages: data.lengths.length,
    terms: data.terms.count,
    postings: data.docs.length,
  };
  await writeFile(at(FILES.info), JSON.stringify(info));
}

export async function loadBm25(dir: string): Promise<Bm25Data> {
  const at = (name: string) => path.join(dir, name);
  const info = JSON.parse(await readFile(at(FILES.info), "utf8")) as Pick<Bm25Data, "k1" | "b" | "avgLength">;
  const [lengths, terms, starts, docs, tfs] = await Promise.all([
    readTyped(at(FILES.lengths), Uint32Array),
    StringTable.load(at(FILES.terms), at(FILES.termOffsets)),
    readTyped(at(FILES.starts), Float64Array),
    readTyped(at(FILES.docs), Uint32Array),
    readTyped(at(FILES.tfs), Uint32Array),
  ]);
  return { k1: info.k1, b: info.b, avgLength: info.avgLength, lengths, terms, starts, docs, tfs };
}

export class Bm25Index {
  private readonly order: Uint32Array;
  /** Per-passage score accumulator reused by every search (zeroed again after each). */
  private scores: Float64Array | undefined;
  /**
   * Each passage's length normalisation, k1 · (1 − b + b · length / average), worked out on the
   * first search rather than once per posting: the same float64 operations in the same order, so
   * the same scores.
   */
  private norms: Float64Array | undefined;

  constructor(private readonly data: Bm25Data) {
    // The term table is written in byte order: it needs no separate order array.
    this.order = identityOrder(data.terms.count);
  }

  private lengthNorms(): Float64Array {
    if (this.norms) return this.norms;
    const { k1, b, avgLength, lengths } = this.data;
    const norms = new Float64Array(lengths.length);
    for (let doc = 0; doc < lengths.length; doc++)
      norms[doc] = k1 * (1 - b + (b * (lengths[doc] as number)) / (avgLength || 1));
    this.norms = norms;
    return norms;
  }

  get size(): number {
    return this.data.lengths.length;
  }

  /** The term's place in the sorted term table (its postings' index), or -1. */
  termId(term: string): number {
    return findSorted(this.data.terms, this.order, term);
  }

  /** Number of passages that contain the term. */
  documentFrequency(term: string): number {
    const t = this.termId(term);
    return t < 0 ? 0 : this.data.starts[t + 1]! - this.data.starts[t]!;
  }

  /** The term's [passage, frequency] pairs, flat (for tests and inspection). */
  postings(term: string): number[] {
    const t = this.termId(term);
    const out: number[] = [];
    if (t < 0) return out;
    for (let j = this.data.starts[t]!; j < this.data.starts[t + 1]!; j++)
      out.push(this.data.docs[j]!, this.data.tfs[j]!);
    return out;
  }

  /** Robertson–Spärck Jones IDF, floored at a small positive value so common terms still count a little. */
  idf(term: string): number {
    const n = this.size;
    const df = this.documentFrequency(term);
    return Math.max(0.01, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
  }

  /**
   * The k best passages, by score then position. Scores accumulate in a flat array and only k
   * candidates are kept while scanning: a common term matches a large share of the passages,
   * and sorting all of them cost more than scoring them.
   */
  search(queryTerms: string[], k: number): Bm25Hit[] {
    const { k1, starts, docs, tfs } = this.data;
    this.scores ??= new Float64Array(this.size);
    const scores = this.scores;
    const norms = this.lengthNorms();
    const touched: number[] = [];
    for (const term of new Set(queryTerms)) {
      const t = this.termId(term);
      if (t < 0) continue;
      const idf = this.idf(term);
      for (let j = starts[t]!; j < starts[t + 1]!; j++) {
        const doc = docs[j]!;
        const tf = tfs[j]!;
        const s = (idf * tf * (k1 + 1)) / (tf + norms[doc]!);
        // Every contribution is positive (idf ≥ 0.01, tf ≥ 1), so 0 means "not scored yet".
        if (scores[doc] === 0) touched.push(doc);
        scores[doc] = scores[doc]! + s;
      }
    }
    const top = topK(touched, scores, k);
    for (const doc of touched) scores[doc] = 0;
    return top;
  }
}

/** Better: higher score, then lower position (the order search results are reported in). */
const better = (scores: Float64Array, x: number, y: number) =>
  (scores[x] ?? 0) > (scores[y] ?? 0) || ((scores[x] ?? 0) === (scores[y] ?? 0) && x < y);

/** The k best of `docs` with a bounded min-heap (worst kept candidate at the root), best first. */
function topK(docs: number[], scores: Float64Array, k: number): Bm25Hit[] {
  if (k <= 0) return [];
  const heap: number[] = [];
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && better(scores, heap[worst] ?? 0, heap[l] ?? 0)) worst = l;
      if (r < heap.length && better(scores, heap[worst] ?? 0, heap[r] ?? 0)) worst = r;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst] ?? 0, heap[i] ?? 0];
      i = worst;
    }
  };
  for (const doc of docs) {
    // Most passages score below the worst kept one: rejected on the score alone, before the
    // full comparison (which only decides between equal scores).
    if (heap.length === k && (scores[doc] ?? 0) < (scores[heap[0] ?? 0] ?? 0)) continue;
    if (heap.length < k) {
      heap.push(doc);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!better(scores, heap[parent] ?? 0, heap[i] ?? 0)) break;
        [heap[i], heap[parent]] = [heap[parent] ?? 0, heap[i] ?? 0];
        i = parent;
      }
    } else if (better(scores, doc, heap[0] ?? 0)) {
      heap[0] = doc;
      siftDown(0);
    }
  }
  return heap
    .sort((x, y) => (better(scores, x, y) ? -1 : 1))
    .map((index) => ({ index, score: scores[index] ?? 0 }));
}
