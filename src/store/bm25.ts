/**
 * BM25 over pre-tokenised passages with an inverted index, so a query touches only the postings
 * of its own terms (LangChain's BM25Retriever rescans every document and cannot segment Chinese).
 */
export interface Bm25Data {
  k1: number;
  b: number;
  avgLength: number;
  lengths: number[];
  /** term → flat [docIndex, termFrequency, docIndex, termFrequency, …] */
  postings: Record<string, number[]>;
}

export interface Bm25Hit {
  index: number;
  score: number;
}

export function buildBm25(docs: string[][], k1 = 1.2, b = 0.75): Bm25Data {
  const postings = new Map<string, number[]>();
  const lengths = docs.map((terms) => terms.length);
  docs.forEach((terms, index) => {
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, count] of tf) {
      let list = postings.get(t);
      if (!list) {
        list = [];
        postings.set(t, list);
      }
      list.push(index, count);
    }
  });
  const total = lengths.reduce((a, n) => a + n, 0);
  return {
    k1,
    b,
    avgLength: docs.length ? total / docs.length : 0,
    lengths,
    postings: Object.fromEntries(postings),
  };
}

export class Bm25Index {
  private readonly postings: Map<string, number[]>;
  /** Per-passage score accumulator reused by every search (zeroed again after each). */
  private scores: Float64Array | undefined;

  constructor(private readonly data: Bm25Data) {
    this.postings = new Map(Object.entries(data.postings));
  }

  get size(): number {
    return this.data.lengths.length;
  }

  /** Number of passages that contain the term. */
  documentFrequency(term: string): number {
    return (this.postings.get(term)?.length ?? 0) / 2;
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
    const { k1, b, avgLength, lengths } = this.data;
    this.scores ??= new Float64Array(this.size);
    const scores = this.scores;
    const touched: number[] = [];
    for (const term of new Set(queryTerms)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (let i = 0; i < list.length; i += 2) {
        const doc = list[i] ?? 0;
        const tf = list[i + 1] ?? 0;
        const len = lengths[doc] ?? 0;
        const s = (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * len) / (avgLength || 1)));
        // Every contribution is positive (idf ≥ 0.01, tf ≥ 1), so 0 means "not scored yet".
        if (scores[doc] === 0) touched.push(doc);
        scores[doc] = (scores[doc] ?? 0) + s;
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
