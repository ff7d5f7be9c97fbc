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
import { mergeTops, type SliceTop, SplitHelpers, type SplitOptions, type SplitScan } from "./split-scan.js";

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
  addIds(terms: ArrayLike<number>, ids: ArrayLike<number>, tfs: ArrayLike<number>, length: number): void {
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
    // In shared memory: helper threads of a split search read them in place (Bm25Index).
    readTyped(at(FILES.lengths), Uint32Array, { shared: true }),
    StringTable.load(at(FILES.terms), at(FILES.termOffsets)),
    readTyped(at(FILES.starts), Float64Array, { shared: true }),
    readTyped(at(FILES.docs), Uint32Array, { shared: true }),
    readTyped(at(FILES.tfs), Uint32Array, { shared: true }),
  ]);
  return { k1: info.k1, b: info.b, avgLength: info.avgLength, lengths, terms, starts, docs, tfs };
}

/**
 * Relative slack on every bound and threshold of the pruned search. Contributions are positive,
 * so in exact arithmetic a partial sum never exceeds the full score and a contribution never
 * exceeds idf · (k1 + 1); float64 sums in another order can miss either by a few ulps
 * (~1e-16 each), far inside this margin.
 */
const SLACK = 1e-9;

/** Candidates fewer than the postings by this factor are looked up by seeking, more by a walk. */
const SPARSE = 8;

/**
 * Terms with at least this many postings are bounded by their largest contribution, worked
 * out on first use and kept; shorter ones by idf · (k1 + 1), which costs nothing. The common
 * terms' bounds decide how early lookups replace scanning, and idf · (k1 + 1) overstates them:
 * a contribution reaches it only as tf / (tf + norm) nears 1, which few postings come close to.
 */
const MEASURED_BOUND_POSTINGS = 1024;

/** Term ids remembered before the memo starts over (a question looks up a few dozen). */
const TERM_IDS_KEPT = 4096;

/** The numbers a search reads: everything but the term table (a helper thread needs no words). */
export type Bm25Postings = Omit<Bm25Data, "terms">;

/** A query term as the scorer takes it: its place in the term table and its idf. */
export interface ScoredTerm {
  id: number;
  idf: number;
}

/** A query term within the passages searched: its postings' range there. */
interface QueryTerm extends ScoredTerm {
  start: number;
  end: number;
}

const HELPER_URL = new URL("./bm25-worker.mjs", import.meta.url);

/** Whether the postings are in shared memory, so that helper threads can read them in place. */
function isShared(data: Bm25Postings): boolean {
  return [data.lengths, data.starts, data.docs, data.tfs].every((a) => a.buffer instanceof SharedArrayBuffer);
}

/**
 * The search itself, over term ids: what a helper thread runs on its slice of the passages, and
 * the calling thread on the first slice or on all of them.
 */
export class Bm25Scorer {
  /** Per-passage score accumulator reused by every search (zeroed again after each). */
  private scores: Float64Array | undefined;
  /**
   * The passages a search has scored, in the order first scored, reused like the scores: a
   * common term touches half a million passages at a million, and a growing plain array of
   * them cost more than scoring them.
   */
  private touched: Uint32Array | undefined;
  /**
   * Each passage's length normalisation, k1 · (1 − b + b · length / average), worked out on the
   * first search rather than once per posting: the same float64 operations in the same order, so
   * the same scores.
   */
  private norms: Float64Array | undefined;
  /**
   * Whether every contribution is positive and at most idf · (k1 + 1), which pruning relies on:
   * it holds when k1 is finite and not negative and every norm is finite and not negative
   * (tf ≥ 1, so tf / (tf + norm) ≤ 1). A b above 1 makes short passages' norms negative; those
   * indexes are scored in full.
   */
  private boundsHold = false;
  /** Per term with long postings, the largest contribution any of its postings makes. */
  private readonly largest = new Map<number, number>();

  constructor(private readonly data: Bm25Postings) {}

  get size(): number {
    return this.data.lengths.length;
  }

  private lengthNorms(): Float64Array {
    if (this.norms) return this.norms;
    const { k1, b, avgLength, lengths } = this.data;
    const norms = new Float64Array(lengths.length);
    let holds = Number.isFinite(k1) && k1 >= 0;
    for (let doc = 0; doc < lengths.length; doc++) {
      const norm = k1 * (1 - b + (b * (lengths[doc] as number)) / (avgLength || 1));
      norms[doc] = norm;
      if (!(norm >= 0 && norm < Number.POSITIVE_INFINITY)) holds = false;
    }
    this.norms = norms;
    this.boundsHold = holds;
    return norms;
  }

  /**
   * The k best passages among positions [lo, hi), by score then position. A passage's score is
   * the float64 sum of its terms' contributions added in the query's order, whichever way it is
   * found (so a slice's scores are the whole search's).
   */
  search(scored: readonly ScoredTerm[], k: number, lo = 0, hi = this.size): Bm25Hit[] {
    if (k <= 0) return [];
    const { starts, docs } = this.data;
    const norms = this.lengthNorms();
    const terms: QueryTerm[] = [];
    let postings = 0;
    for (const { id, idf } of scored) {
      // The run of the term's postings that falls in the passages searched (they ascend).
      let start = starts[id]!;
      let end = starts[id + 1]!;
      if (lo > 0) start = seek(docs, start, end, lo);
      if (hi < this.size) end = seek(docs, start, end, hi);
      terms.push({ id, start, end, idf });
      postings += end - start;
    }
    this.scores ??= new Float64Array(this.size);
    this.touched ??= new Uint32Array(this.size);
    // With one term, or no more postings than k, nothing can be skipped: no bounds needed.
    if (!this.boundsHold || terms.length < 2 || postings <= k) return this.searchAll(terms, k, norms);
    return this.searchPruned(terms, k, norms);
  }

  /**
   * Every posting of every term, term at a time. Scores accumulate in a flat array and only k
   * candidates are kept while scanning: a common term matches a large share of the passages,
   * and sorting all of them cost more than scoring them.
   */
  private searchAll(terms: QueryTerm[], k: number, norms: Float64Array): Bm25Hit[] {
    const scores = this.scores!;
    const touched = this.touched!;
    let count = 0;
    for (const term of terms) count = this.accumulate(term, norms, count);
    const top = topK(touched, count, scores, k);
    for (let c = 0; c < count; c++) scores[touched[c]!] = 0;
    return top;
  }

  /**
   * Adds every posting of the term into the scores, noting each passage scored for the first
   * time after the `count` already in `touched`; returns the new count.
   */
  private accumulate(term: QueryTerm, norms: Float64Array, count: number): number {
    const { k1, docs, tfs } = this.data;
    const scores = this.scores!;
    const touched = this.touched!;
    let touchedCount = count;
    const { start, end, idf } = term;
    for (let j = start; j < end; j++) {
      const doc = docs[j]!;
      const tf = tfs[j]!;
      const s = (idf * tf * (k1 + 1)) / (tf + norms[doc]!);
      // Every contribution is positive (idf ≥ 0.01, tf ≥ 1), so 0 means "not scored yet".
      if (scores[doc] === 0) touched[touchedCount++] = doc;
      scores[doc] = scores[doc]! + s;
    }
    return touchedCount;
  }

  /** The most the term adds to any passage's score (the first use of a long term reads its postings). */
  private bound(term: QueryTerm, norms: Float64Array): number {
    const { k1, docs, tfs, starts } = this.data;
    const { id, idf } = term;
    // Over all the term's postings, whatever slice is searched: a bound for every slice.
    const start = starts[id]!;
    const end = starts[id + 1]!;
    if (end - start < MEASURED_BOUND_POSTINGS) return idf * (k1 + 1);
    let largest = this.largest.get(id);
    if (largest === undefined) {
      // The very expression search evaluates, so the bound holds to the last bit.
      largest = 0;
      for (let j = start; j < end; j++) {
        const tf = tfs[j]!;
        const s = (idf * tf * (k1 + 1)) / (tf + norms[docs[j]!]!);
        if (s > largest) largest = s;
      }
      this.largest.set(id, largest);
    }
    return largest;
  }

  /**
   * MaxScore-style dynamic pruning. Query terms are taken by their bound on a contribution,
   * highest first (roughly rarest first). While the bounds of the terms still to come add up to at
   * least the k-th best score found so far, a passage seen in none of the terms yet could still
   * reach the top k, so a term's postings are scored in full ("essential" terms). Once they add
   * up to less, no unseen passage can, and the remaining terms (the common ones, whose postings
   * are long and whose idf is small) are only looked up for the passages already seen, dropping
   * those that cannot reach the k-th score even with every remaining term at its bound.
   *
   * The sums built that way add contributions in bound order, not query order, so they are
   * only used to choose: the passages within rounding of the k-th best are scored again in
   * query order, which gives the same float64 scores as searchAll.
   */
  private searchPruned(terms: QueryTerm[], k: number, norms: Float64Array): Bm25Hit[] {
    const { k1, docs, tfs } = this.data;
    const scores = this.scores!;
    const n = terms.length;
    const bounds = terms.map((term) => this.bound(term, norms));
    const byBound = terms.map((_, i) => i);
    byBound.sort((x, y) => bounds[y]! - bounds[x]! || x - y);
    // rest[i]: the most that the terms byBound[i …] can add to any passage's score.
    const rest = new Float64Array(n + 1);
    for (let i = n - 1; i >= 0; i--) rest[i] = (rest[i + 1]! + bounds[byBound[i]!]!) * (1 + SLACK);
    // Terms byBound[0 … few − 1] have fewer than k postings together, so after term i − 1 at
    // least one of the k best partial sums has none of them and is at most rest[few] − rest[i].
    // Switching to lookups before term i needs the k-th best above rest[i], which falls with i:
    // firstSwitch is the first i where that is possible, and before it the k-th best partial
    // sum is not worth computing.
    let few = 0;
    for (let postings = 0; few < n; few++) {
      postings += terms[byBound[few]!]!.end - terms[byBound[few]!]!.start;
      if (postings >= k) break;
    }
    let firstSwitch = few + 1;
    while (firstSwitch < n && rest[few]! - rest[firstSwitch]! <= rest[firstSwitch]!) firstSwitch++;
    // Every term is scored in full anyway: in query order, which needs no second pass.
    if (firstSwitch >= n) return this.searchAll(terms, k, norms);

    const touched = this.touched!;
    let touchedCount = 0;
    let i = 0;
    let threshold = 0;
    for (; i < n && !(rest[i]! < threshold); i++) {
      const term = terms[byBound[i]!]!;
      if (i + 1 < firstSwitch || i + 1 === n) {
        touchedCount = this.accumulate(term, norms, touchedCount);
        continue;
      }
      const { start, end, idf } = term;
      // The k-th best partial sum once this term is in, for the test before the next one: the
      // passages new to this term are offered as they are scored (a term lists a passage once),
      // and those seen before are offered after the scan, so no passage is offered twice.
      const best = new KthBest(k);
      const seenBefore = touchedCount;
      for (let j = start; j < end; j++) {
        const doc = docs[j]!;
        const tf = tfs[j]!;
        const s = (idf * tf * (k1 + 1)) / (tf + norms[doc]!);
        if (scores[doc] === 0) {
          touched[touchedCount++] = doc;
          scores[doc] = s;
          best.offer(s);
        } else scores[doc] = scores[doc]! + s;
      }
      for (let c = 0; c < seenBefore; c++) best.offer(scores[touched[c]!]!);
      threshold = best.value * (1 - SLACK);
    }

    let survivors: ArrayLike<number> = touched;
    let count = touchedCount;
    if (i < n) {
      const seen = new Uint32Array(touchedCount);
      count = 0;
      for (let c = 0; c < touchedCount; c++) {
        const doc = touched[c]!;
        if (reachable(scores[doc]!, rest[i]!, threshold)) seen[count++] = doc;
      }
      survivors = seen;
      let sorted = false;
      for (; i < n; i++) {
        const { start, end, idf } = terms[byBound[i]!]!;
        if (count * SPARSE < end - start) {
          // Lookups go forward through the postings, in passage order.
          if (!sorted) seen.subarray(0, count).sort();
          sorted = true;
          let j = start;
          for (let c = 0; c < count && j < end; c++) {
            const doc = seen[c]!;
            j = seek(docs, j, end, doc);
            if (j < end && docs[j] === doc) {
              const tf = tfs[j]!;
              scores[doc] = scores[doc]! + (idf * tf * (k1 + 1)) / (tf + norms[doc]!);
            }
          }
        } else {
          // Candidates are a large share of the postings: walking them all costs less than
          // sorting the candidates and seeking. A passage never touched (score 0) is skipped; one
          // touched but dropped gets its contribution too, harmlessly, as it is not read again.
          for (let j = start; j < end; j++) {
            const doc = docs[j]!;
            const partial = scores[doc]!;
            if (partial === 0) continue;
            const tf = tfs[j]!;
            scores[doc] = partial + (idf * tf * (k1 + 1)) / (tf + norms[doc]!);
          }
        }
        if (count > k) {
          threshold = Math.max(threshold, kthBest(seen, count, scores, k) * (1 - SLACK));
          count = keepReachable(seen, count, scores, rest[i + 1]!, threshold);
        }
      }
    }

    // The survivors hold every passage of the top k, with complete sums in bound order. Those
    // sums lie within rounding of the query-order scores, so the k best query-order scores are
    // among the survivors whose sum is within the slack of the k-th best sum.
    const finalists = nearTop(survivors, count, scores, k);
    finalists.sort((x, y) => x - y);
    for (const doc of finalists) scores[doc] = 0;
    for (const { start, end, idf } of terms) {
      let j = start;
      for (let c = 0; c < finalists.length && j < end; c++) {
        const doc = finalists[c]!;
        j = seek(docs, j, end, doc);
        if (j < end && docs[j] === doc) {
          const tf = tfs[j]!;
          scores[doc] = scores[doc]! + (idf * tf * (k1 + 1)) / (tf + norms[doc]!);
        }
      }
    }
    const top = topK(finalists, finalists.length, scores, k);
    for (let c = 0; c < touchedCount; c++) scores[touched[c]!] = 0;
    return top;
  }
}

/**
 * BM25 over the term table: words to term ids, document frequencies and idf, and searches —
 * shared with helper threads (SEARCH_THREADS) when the index is large and its postings were
 * loaded into shared memory, each helper searching its own slice of the passages; the hits and
 * scores are the single thread's (tests/store/bm25-threads.test.ts).
 */
export class Bm25Index {
  private readonly order: Uint32Array;
  private readonly scorer: Bm25Scorer;
  private readonly helpers: SplitHelpers;
  /**
   * Term ids of recent lookups: concept matching asks whether each head passage holds each of
   * the question's words, and a binary search comparing UTF-8 bytes costs a few microseconds.
   */
  private readonly termIds = new Map<string, number>();

  constructor(
    private readonly data: Bm25Data,
    options: SplitOptions = {},
  ) {
    // The term table is written in byte order: it needs no separate order array.
    this.order = identityOrder(data.terms.count);
    this.scorer = new Bm25Scorer(data);
    this.helpers = new SplitHelpers(this, options, HELPER_URL, () => {
      if (!isShared(data)) return null;
      const { k1, b, avgLength, lengths, starts, docs, tfs } = data;
      const postings: Bm25Postings = { k1, b, avgLength, lengths, starts, docs, tfs };
      return { count: this.size, data: () => ({ postings }) };
    });
  }

  get size(): number {
    return this.data.lengths.length;
  }

  /** The term's place in the sorted term table (its postings' index), or -1. */
  termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = findSorted(this.data.terms, this.order, term);
      if (this.termIds.size >= TERM_IDS_KEPT) this.termIds.clear();
      this.termIds.set(term, id);
    }
    return id;
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

  /**
   * Whether passage `doc` contains the term: a binary search in the term's postings, which are
   * in passage order. Cheaper than re-tokenising a passage to learn which words it uses.
   */
  contains(term: string, doc: number): boolean {
    const t = this.termId(term);
    if (t < 0) return false;
    const { starts, docs } = this.data;
    let lo = starts[t] as number;
    let hi = (starts[t + 1] as number) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = docs[mid] as number;
      if (at === doc) return true;
      if (at < doc) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Robertson–Spärck Jones IDF, floored at a small positive value so common terms still count a little. */
  idf(term: string): number {
    const n = this.size;
    const df = this.documentFrequency(term);
    return Math.max(0.01, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
  }

  /**
   * The k best passages, by score then position. A passage's score is the float64 sum of its
   * terms' contributions added in the query's (distinct-term) order, whichever way it is found.
   */
  search(queryTerms: string[], k: number): Bm25Hit[] {
    if (k <= 0) return [];
    const terms: ScoredTerm[] = [];
    let postings = 0;
    for (const term of new Set(queryTerms)) {
      const id = this.termId(term);
      if (id < 0) continue;
      terms.push({ id, idf: this.idf(term) });
      postings += this.data.starts[id + 1]! - this.data.starts[id]!;
    }
    const split = postings >= this.helpers.options.splitPostings ? this.helpers.ready() : null;
    return split ? this.searchSplit(split, terms, k) : this.scorer.search(terms, k);
  }

  /** Searches shared with helper threads so far. */
  get splitSearches(): number {
    return this.helpers.searches;
  }

  /** Whether searches are being split (starts the helpers if worth it and waits until ready). */
  whenSplit(): Promise<boolean> {
    return this.helpers.whenReady();
  }

  /** Ends the helper threads; the index keeps answering, on the calling thread alone. */
  close(): Promise<void> {
    return this.helpers.close();
  }

  /** search() with the helpers: this thread takes the first slice, each helper one more. */
  private searchSplit(split: SplitScan, terms: ScoredTerm[], k: number): Bm25Hit[] {
    const request = split.post({ terms, k }, 1, k);
    const slices = [asSliceTop(this.scorer.search(terms, k, 0, split.bounds[1]), k)];
    const helpers = split.collect(request);
    if (helpers) {
      this.helpers.searches++;
      slices.push(...helpers);
    } else {
      // A helper that did not answer: its slices are searched here, as one, and splitting stops.
      this.helpers.gaveUp();
      slices.push(asSliceTop(this.scorer.search(terms, k, split.bounds[1], this.size), k));
    }
    const merged = mergeTops(
      slices.map((top) => ({ top, at: 0 })),
      k,
    );
    const hits: Bm25Hit[] = [];
    for (let p = 0; p < k && merged.positions[p]! >= 0; p++)
      hits.push({ index: merged.positions[p]!, score: merged.scores[p]! });
    return hits;
  }
}

/** A slice's hits as merge takes them: k places, unfilled ones at position -1. */
export function asSliceTop(hits: readonly Bm25Hit[], k: number, out?: SliceTop): SliceTop {
  const top = out ?? { positions: new Int32Array(k), scores: new Float64Array(k) };
  top.positions.fill(-1);
  hits.forEach((h, p) => {
    top.positions[p] = h.index;
    top.scores[p] = h.score;
  });
  return top;
}

/** First position in docs[from, end) holding a passage ≥ doc (end if none): gallop, then bisect. */
function seek(docs: Uint32Array, from: number, end: number, doc: number): number {
  if (from >= end || docs[from]! >= doc) return from;
  // docs[low] < doc throughout; the answer lies in (low, high].
  let low = from;
  let step = 1;
  let high = from + 1;
  while (high < end && docs[high]! < doc) {
    low = high;
    step *= 2;
    high = low + step;
  }
  if (high > end) high = end;
  low++;
  while (low < high) {
    const mid = low + ((high - low) >>> 1);
    if (docs[mid]! < doc) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Whether a passage whose partial sum is `partial` could still reach `threshold` (at most the
 * k-th best score) with every remaining term at its bound, `rest`. One that cannot scores
 * strictly below k others, whatever the tie-break.
 */
const reachable = (partial: number, rest: number, threshold: number) =>
  (partial + rest) * (1 + SLACK) >= threshold;

/** Compacts docs[0, count) to the passages that can still reach `threshold`, in order; returns how many. */
function keepReachable(
  docs: Uint32Array,
  count: number,
  scores: Float64Array,
  rest: number,
  threshold: number,
) {
  let kept = 0;
  for (let c = 0; c < count; c++) {
    const doc = docs[c]!;
    if (reachable(scores[doc]!, rest, threshold)) docs[kept++] = doc;
  }
  return kept;
}

/**
 * The passages of docs[0, count) scoring at least the k-th highest score less the slack, in one
 * pass: a passage below the slack of the running k-th best is below that of the final one.
 */
function nearTop(docs: ArrayLike<number>, count: number, scores: Float64Array, k: number): number[] {
  const best = new KthBest(k);
  const maybe: number[] = [];
  let cut = 0;
  for (let c = 0; c < count; c++) {
    const doc = docs[c]!;
    const v = scores[doc]!;
    // Most passages fall below the running cut: one test each.
    if (v < cut) continue;
    best.offer(v);
    cut = best.value * (1 - SLACK);
    if (v >= cut) maybe.push(doc);
  }
  return maybe.filter((doc) => scores[doc]! >= cut);
}

/** The k-th highest of the scores of docs[0, count) (0 when there are fewer than k). */
function kthBest(docs: ArrayLike<number>, count: number, scores: Float64Array, k: number): number {
  if (count < k) return 0;
  const best = new KthBest(k);
  for (let c = 0; c < count; c++) best.offer(scores[docs[c]!]!);
  return best.value;
}

/** The k highest values offered so far, in a min-heap: most offers fall below its root and cost one test. */
class KthBest {
  private readonly heap: Float64Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.heap = new Float64Array(k);
  }

  /** The k-th highest value offered, 0 until k have been. */
  get value(): number {
    return this.size < this.k ? 0 : this.heap[0]!;
  }

  offer(v: number): void {
    const { heap, k } = this;
    if (this.size < k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heap[parent]! <= v) break;
        heap[i] = heap[parent]!;
        i = parent;
      }
      heap[i] = v;
    } else if (v > heap[0]!) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= k) break;
        const r = l + 1;
        const child = r < k && heap[r]! < heap[l]! ? r : l;
        if (heap[child]! >= v) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = v;
    }
  }
}

/** Better: higher score, then lower position (the order search results are reported in). */
const better = (scores: Float64Array, x: number, y: number) =>
  (scores[x] ?? 0) > (scores[y] ?? 0) || ((scores[x] ?? 0) === (scores[y] ?? 0) && x < y);

/** The k best of docs[0, count) with a bounded min-heap (worst kept candidate at the root), best first. */
function topK(docs: ArrayLike<number>, count: number, scores: Float64Array, k: number): Bm25Hit[] {
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
  for (let c = 0; c < count; c++) {
    const doc = docs[c]!;
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
