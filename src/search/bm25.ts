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

  search(queryTerms: string[], k: number): Bm25Hit[] {
    const { k1, b, avgLength, lengths } = this.data;
    const scores = new Map<number, number>();
    for (const term of new Set(queryTerms)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (let i = 0; i < list.length; i += 2) {
        const doc = list[i] ?? 0;
        const tf = list[i + 1] ?? 0;
        const len = lengths[doc] ?? 0;
        const s = (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * len) / (avgLength || 1)));
        scores.set(doc, (scores.get(doc) ?? 0) + s);
      }
    }
    return [...scores.entries()]
      .map(([index, score]) => ({ index, score }))
      .sort((x, y) => y.score - x.score || x.index - y.index)
      .slice(0, k);
  }
}
