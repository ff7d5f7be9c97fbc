/**
 * One benchmark run at one corpus size: generate → ingest → re-ingest → load → queries
 * (dense, BM25, hybrid) → the builtin dense search against brute force → HNSW on dense proxy
 * vectors (recall and latency per ef) → LangChain baselines → the Ollama path against the local
 * fake. Every figure is in milliseconds unless its name says otherwise.
 */
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BM25Retriever } from "@langchain/community/retrievers/bm25";
import { Document } from "@langchain/core/documents";
import { loadConfig, RETRIEVAL_DEFAULTS } from "../src/config.js";
import { BuiltinEmbeddings } from "../src/embed/builtin.js";
import { OllamaEmbeddings } from "../src/embed/ollama-embeddings.js";
import type { IndexEmbeddings } from "../src/embed/types.js";
import { type EvalQuestion, firstRelevantRank, parseQuestions } from "../src/eval/metrics.js";
import { lexicalText } from "../src/ingest/build-index.js";
import { type IngestSummary, ingest } from "../src/ingest/pipeline.js";
import { silentLogger } from "../src/logger.js";
import { analyseQuestion } from "../src/retrieve/query.js";
import { createReranker } from "../src/retrieve/rerankers/index.js";
import { retrieve } from "../src/retrieve/retrieve.js";
import { loadBm25 } from "../src/store/bm25.js";
import { buildFiles, layout } from "../src/store/build.js";
import { ColumnDenseIndex } from "../src/store/dense/column.js";
import { HNSW_DEFAULTS } from "../src/store/dense/hnsw.js";
import { type LoadedIndex, loadIndex } from "../src/store/load.js";
import { sharedTokenizer, type Tokenizer } from "../src/text/tokenizer.js";
import { FakeOllama } from "../tests/fakes/ollama-server.js";
import { generateCorpus } from "./corpus.js";
import { startBlockProbe } from "./event-loop.js";
import { ColumnIndex, ExactIndex, recallAt } from "./exact.js";
import { exactProxyHits, hnswCurve, PROXY_DIMENSION, proxySet } from "./proxy.js";
import { questionMix } from "./questions.js";
import { type Percentiles, round, summarise, yieldToLoop } from "./stats.js";

export const REPO = fileURLToPath(new URL("../", import.meta.url));

/** Passages the HNSW proxy graph is built over: the target is set at 100k. */
const PROXY_LIMIT = 100_000;
/** Held-out proxy passages used as queries. */
const PROXY_QUERIES = 200;
/** Passages the LangChain BM25 baseline indexes (see where it is built). */
const LANGCHAIN_LIMIT = 100_000;

export interface BenchOptions {
  /** Passages the synthetic corpus should produce. */
  size: number;
  seed?: number;
  /** HNSW ef for searches; default: the configuration's default (HNSW_EF). */
  ef?: number;
  /** Threads an exact dense search is shared between; default: SEARCH_THREADS's default (the cores, up to 4). */
  threads?: number;
  /** Questions per latency series (dense, BM25, hybrid). */
  queries?: number;
  /** Per-request latency of the fake Ollama server. */
  ollamaLatencyMs?: number;
  /** Passages the HNSW proxy graph is built over (default PROXY_LIMIT, the 100k). */
  proxyPassages?: number;
  /** Progress lines (to stderr in the CLI). */
  log?: (line: string) => void;
}

export interface BenchResult {
  size: number;
  passages: number;
  articles: number;
  seed: number;
  corpus: { characters: number; generateMs: number };
  ingest: {
    passagesPerSec: number;
    /** Embedding stage only (builtin embedder). */
    embedPassagesPerSec: number;
    ms: number;
    embedMs: number;
    /** HNSW graph construction over the dense proxy vectors, on a worker thread (see `hnsw`). */
    buildMs: number;
    /** The current build directory: dense index, passages, BM25 postings, manifest. */
    indexBytes: number;
    files: { denseBytes: number; passagesBytes: number; bm25Bytes: number };
    /** The vector cache beside the builds (reused on re-ingest). */
    cacheBytes: number;
    peakRssMb: number;
    /** Ingest runs in the bot's process (/reindex): its longest event-loop block. */
    maxEventLoopBlockMs: number;
  };
  reingest: { ms: number; embedded: number; newBuild: boolean };
  load: { ms: number; maxEventLoopBlockMs: number };
  query: {
    dense: Percentiles;
    bm25: Percentiles;
    hybrid: Percentiles;
    embedQuery: Percentiles;
  };
  /** Loading the build (same as load.ms). */
  loadMs: number;
  /** Threads the exact dense search was shared between, and how many searches were split. */
  searchThreads: number;
  splitSearches: number;
  /** Peak RSS of the process after the first (full) ingest, MB (same as ingest.peakRssMb). */
  peakRssMb: number;
  /** The builtin embedder's exact column search against a brute-force scan (1 by construction). */
  builtinRecallAt10: number;
  /** The default ef (HNSW_EF's default). */
  ef: number;
  /** HNSW at the default ef on the dense proxy vectors (bench/proxy.ts). */
  hnswRecallAt10: number;
  /** Recall@10 and search latency of the proxy graph at each ef. */
  efSweep: Array<{ ef: number; recallAt10: number; p50: number; p95: number }>;
  /** The dense proxy set HNSW was measured on. */
  hnsw: {
    passages: number;
    queries: number;
    dimension: number;
    m: number;
    efConstruction: number;
    buildMs: number;
    /** Longest main-thread event-loop block while the worker built the graph. */
    buildBlockMs: number;
  };
  /** 1-minute load average of the machine when the run started and ended (it is shared). */
  loadAverage: { start: number; end: number };
  /** Longest event-loop block while the query series ran. */
  maxEventLoopBlockMs: number;
  baselines: {
    langchainBm25: {
      p50: number;
      p95: number;
      n: number;
      /** eval/questions.jsonl over the real corpus/, questions as asked (whitespace tokenisation). */
      recallAt5: number;
      /** The same with passages and questions pre-segmented by our jieba tokenizer. */
      recallAt5Segmented: number;
    };
    langchainDefaultEf: { ef: number; hnswRecallAt10: number };
    /** A row-major brute-force scan over the builtin vectors: the reference. */
    exactScan: { p50: number; p95: number; n: number };
    /**
     * The index's own dense search (exact column scan over the query's non-zero dimensions),
     * on the questions the brute force ran: share with exactly the brute force's top 10.
     */
    exactColumnScan: { p50: number; p95: number; n: number; sameAsExact: number; queryNonZeroDims: number };
  };
  /** Our own retrievers on the same public question set and real corpus. */
  realCorpus: { passages: number; questions: number; bm25RecallAt5: number; hybridRecallAt5: number };
  ollama: {
    latencyMs: number;
    batchSize: number;
    concurrency: number;
    passages: number;
    embedRequests: number;
    requestsPerPassage: number;
    maxInFlight: number;
    meanInFlight: number;
    passagesPerSec: number;
    /** batchSize × concurrency / latency: the ceiling with a server that only waits. */
    idealPassagesPerSec: number;
  };
}

/** Recursive size of a directory's files in bytes. */
async function diskBytes(target: string): Promise<number> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(target);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of await readdir(target)) total += await diskBytes(path.join(target, name));
  return total;
}

/** retrieve()'s dependencies as the answerer has them with default settings. */
const retrieveDeps = (embeddings: IndexEmbeddings, tokenizer: Tokenizer) => ({
  embeddings,
  tokenizer,
  reranker: createReranker(RETRIEVAL_DEFAULTS, { tokenizer }),
  settings: RETRIEVAL_DEFAULTS,
});

async function timeSeries<T>(
  items: T[],
  run: (item: T) => unknown,
  budget: { maxMs?: number; min?: number } = {},
): Promise<number[]> {
  const samples: number[] = [];
  const started = performance.now();
  for (const item of items) {
    const t = performance.now();
    await run(item);
    samples.push(performance.now() - t);
    await yieldToLoop();
    if (
      budget.maxMs !== undefined &&
      samples.length >= (budget.min ?? 1) &&
      performance.now() - started > budget.maxMs
    )
      break;
  }
  return samples;
}

interface RealCorpusFigures {
  passages: number;
  questions: number;
  bm25RecallAt5: number;
  hybridRecallAt5: number;
  langchainRecallAt5: number;
  langchainSegmentedRecallAt5: number;
}

/** Recall@5 on the public questions over the real corpus: ours against LangChain's BM25Retriever. */
async function realCorpusRecall(
  root: string,
  questions: EvalQuestion[],
  embeddings: IndexEmbeddings,
  tokenizer: Tokenizer,
  chunking: { size: number; overlap: number },
  ef: number,
  k: number,
): Promise<RealCorpusFigures> {
  const indexDir = path.join(root, "real-index");
  const summary = await ingest({
    corpusDir: path.join(REPO, "corpus"),
    indexDir,
    chunking,
    embeddings,
    tokenizer,
    logger: silentLogger,
  });
  const index = await loadIndex(indexDir, summary.buildId, { ef });
  const ports = index;
  const deps = retrieveDeps(embeddings, tokenizer);
  const answerable = questions.filter((q) => q.answerable);
  const hit = (texts: string[], q: EvalQuestion) => {
    const rank = firstRelevantRank(texts, q.evidence);
    return rank !== null && rank <= 5;
  };
  const share = (xs: boolean[]) => round(xs.filter(Boolean).length / Math.max(1, xs.length));

  const raw = BM25Retriever.fromDocuments(
    index.chunks.map((c, i) => new Document({ pageContent: c.text, metadata: { i } })),
    { k: 5 },
  );
  const segmented = BM25Retriever.fromDocuments(
    index.chunks.map(
      (c, i) => new Document({ pageContent: tokenizer.terms(lexicalText(c)).join(" "), metadata: { i } }),
    ),
    { k: 5 },
  );
  const textsOf = (docs: Document[]) => docs.map((d) => index.chunks[d.metadata.i as number]?.text ?? "");
  const ours: boolean[] = [];
  const hybrid: boolean[] = [];
  const lc: boolean[] = [];
  const lcSeg: boolean[] = [];
  for (const q of answerable) {
    const analysis = analyseQuestion(q.question, tokenizer);
    ours.push(
      hit(
        index.lexical.search(analysis.searchTerms, 5).map((h) => index.passages.get(h.id)?.text ?? ""),
        q,
      ),
    );
    const r = await retrieve(analysis, ports, deps, { k });
    hybrid.push(
      hit(
        r.ranked.slice(0, 5).map((s) => s.chunk.text),
        q,
      ),
    );
    lc.push(hit(textsOf(await raw.invoke(q.question)), q));
    lcSeg.push(hit(textsOf(await segmented.invoke(tokenizer.terms(q.question).join(" "))), q));
  }
  return {
    passages: index.chunks.length,
    questions: answerable.length,
    bm25RecallAt5: share(ours),
    hybridRecallAt5: share(hybrid),
    langchainRecallAt5: share(lc),
    langchainSegmentedRecallAt5: share(lcSeg),
  };
}

/** Ingest through OllamaEmbeddings against the fake server with an injected per-request latency. */
async function ollamaPath(
  corpusDir: string,
  root: string,
  tokenizer: Tokenizer,
  settings: {
    batchSize: number;
    concurrency: number;
    latencyMs: number;
    chunking: { size: number; overlap: number };
    model: string;
  },
): Promise<BenchResult["ollama"]> {
  const fake = new FakeOllama({ models: [settings.model], dimension: 1024, latencyMs: settings.latencyMs });
  const { url } = await fake.start();
  let samples = 0;
  let inFlightSum = 0;
  const sampler = setInterval(() => {
    samples++;
    inFlightSum += fake.inFlight;
  }, 2);
  try {
    const embeddings = new OllamaEmbeddings({
      host: url,
      model: settings.model,
      batchSize: settings.batchSize,
      concurrency: settings.concurrency,
      timeoutMs: 60_000,
    });
    // Sample concurrency only while passages are being embedded.
    let embedStarted = 0;
    let embedMs = 0;
    const summary = await ingest({
      corpusDir,
      indexDir: path.join(root, "ollama-index"),
      chunking: settings.chunking,
      embeddings,
      tokenizer,
      logger: silentLogger,
      onProgress: ({ done, total }) => {
        if (done === 0) {
          embedStarted = performance.now();
          samples = 0;
          inFlightSum = 0;
        }
        if (done === total) {
          embedMs = performance.now() - embedStarted;
          clearInterval(sampler);
        }
      },
    });
    const passages = summary.chunks.embedded;
    const embedRequests = fake.requestsTo("/api/embed").length;
    return {
      latencyMs: settings.latencyMs,
      batchSize: settings.batchSize,
      concurrency: settings.concurrency,
      passages,
      embedRequests,
      requestsPerPassage: round(embedRequests / Math.max(1, passages), 4),
      maxInFlight: fake.maxInFlight,
      meanInFlight: round(inFlightSum / Math.max(1, samples), 2),
      passagesPerSec: round(passages / (embedMs / 1000), 1),
      idealPassagesPerSec: round((settings.batchSize * settings.concurrency * 1000) / settings.latencyMs, 1),
    };
  } finally {
    clearInterval(sampler);
    await fake.close();
  }
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 42;
  // The defaults of src/config.ts, not the local .env: results must not depend on a developer's settings.
  const config = loadConfig({ env: {}, dotenv: false });
  const ef = options.ef ?? config.retrieval.ef;
  const threads = options.threads ?? config.retrieval.searchThreads;
  const k = config.retrieval.k;
  const chunking = config.chunking;
  const queryCount = options.queries ?? 300;
  const tokenizer = sharedTokenizer();
  const embeddings = new BuiltinEmbeddings(tokenizer);
  const publicQuestions = parseQuestions(await readFile(path.join(REPO, "eval", "questions.jsonl"), "utf8"));

  const loadAtStart = round(loadavg()[0] ?? 0, 2);
  const root = await mkdtemp(path.join(tmpdir(), `llm-bench-${options.size}-`));
  try {
    const corpusDir = path.join(root, "corpus");
    const indexDir = path.join(root, "index");
    log(`generating a corpus of ~${options.size} passages in ${corpusDir}`);
    const corpus = await generateCorpus({ dir: corpusDir, passages: options.size, seed, chunking });
    log(`  ${corpus.articles} articles, ${corpus.passages} passages, ${(corpus.ms / 1000).toFixed(1)} s`);

    // ---- ingest ----------------------------------------------------------------------------
    const ingestOnce = async () => {
      let embedStart = 0;
      let embedEnd = 0;
      const probe = startBlockProbe();
      const started = performance.now();
      const summary: IngestSummary = await ingest({
        corpusDir,
        indexDir,
        chunking,
        embeddings,
        tokenizer,
        logger: silentLogger,
        onProgress: ({ done, total }) => {
          if (done === 0) embedStart = performance.now();
          if (done === total) embedEnd = performance.now();
        },
      });
      const ms = performance.now() - started;
      return { summary, ms, embedMs: embedEnd - embedStart, blockMs: probe.stop() };
    };
    log("ingest (builtin embedder)");
    const first = await ingestOnce();
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const passages = first.summary.chunks.total;
    log(
      `  ${passages} passages in ${(first.ms / 1000).toFixed(1)} s (embedding ${(first.embedMs / 1000).toFixed(1)} s)`,
    );

    log("re-ingest of the unchanged corpus");
    const second = await ingestOnce();
    log(`  ${(second.ms / 1000).toFixed(2)} s, ${second.summary.chunks.embedded} embedded`);
    const buildDir = layout(indexDir).build(second.summary.buildId);
    const files = buildFiles(buildDir);

    // ---- load ------------------------------------------------------------------------------
    const loadProbe = startBlockProbe();
    const loadStarted = performance.now();
    const index: LoadedIndex = await loadIndex(indexDir, second.summary.buildId, { ef, threads });
    const loadMs = performance.now() - loadStarted;
    const loadBlockMs = loadProbe.stop();
    const dense = index.dense;
    if (!(dense instanceof ColumnDenseIndex))
      throw new Error("the builtin embedder's index should be the exact column index");
    // The helper threads start with the first search; every timed search should find them ready.
    await dense.whenSplit();
    const ports = index;
    const deps = retrieveDeps(embeddings, tokenizer);

    // A row-major copy of the stored unit vectors for the brute-force reference; its results,
    // like the column index's, are positions in build order.
    const dimension = index.manifest.embedder.dimension;
    const { columns, count } = dense.matrix;
    const matrix = new Float32Array(count * dimension);
    for (let d = 0; d < dimension; d++) {
      const base = d * count;
      for (let i = 0; i < count; i++) matrix[i * dimension + d] = columns[base + i]!;
    }
    const exact = new ExactIndex(matrix, dimension);

    // ---- queries ---------------------------------------------------------------------------
    const questions = questionMix(
      queryCount,
      seed,
      publicQuestions.map((q) => q.question),
    );
    const warm = questions.slice(0, 20);
    for (const q of warm) {
      await retrieve(analyseQuestion(q, tokenizer), ports, deps, { k });
    }
    log(`queries: ${questions.length} questions`);
    const vectors: number[][] = [];
    const embedSamples = await timeSeries(questions, async (q) => {
      vectors.push(await embeddings.embedQuery(q));
    });
    const queryProbe = startBlockProbe();
    const denseHits: number[][] = [];
    const denseSamples = await timeSeries(vectors, (v) => {
      denseHits.push(dense.search(v, 10).map((h) => index.passages.order(h.id)));
    });
    const bm25Samples = await timeSeries(questions, (q) => index.lexical.search(tokenizer.terms(q), 10));
    const hybridSamples = await timeSeries(questions, (q) =>
      retrieve(analyseQuestion(q, tokenizer), ports, deps, { k }),
    );
    const maxEventLoopBlockMs = queryProbe.stop();

    log("exact scan and recall");
    const exactHits: number[][] = [];
    const exactSamples = await timeSeries(
      vectors,
      (v) => {
        exactHits.push(exact.search(v, 10));
      },
      { maxMs: 30_000, min: 20 },
    );
    const measured = exactHits.length;

    // The index's own dense search on the same questions, timed again for the side-by-side row.
    const columnHits: number[][] = [];
    const columnSamples = await timeSeries(vectors.slice(0, measured), (v) => {
      columnHits.push(dense.search(v, 10).map((h) => index.passages.order(h.id)));
    });
    const sameAsExact =
      columnHits.filter((hits, i) => JSON.stringify(hits) === JSON.stringify(exactHits[i])).length /
      Math.max(1, measured);
    const nonZero = summarise(vectors.map((v) => ColumnIndex.nonZero(v))).p50;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const builtinRecallAt10 = mean(exactHits.map((e, i) => recallAt(e, denseHits[i] ?? [])));

    // ---- HNSW on dense proxy vectors -------------------------------------------------------
    const proxyLimit = options.proxyPassages ?? PROXY_LIMIT;
    log(`HNSW on dense proxy vectors (up to ${proxyLimit} passages, ${PROXY_DIMENSION} dims)`);
    const proxy = await proxySet(await loadBm25(files.bm25), PROXY_QUERIES, seed, proxyLimit);
    const proxyExact = exactProxyHits(proxy.rows.subarray(0, proxy.count * PROXY_DIMENSION), proxy.queries);
    const efs = [...new Set([10, 32, 64, ef, 256, 512])].sort((x, y) => x - y);
    const curve = await hnswCurve(
      proxy.rows,
      proxy.count,
      proxy.queries,
      proxyExact,
      HNSW_DEFAULTS,
      efs,
      startBlockProbe,
    );
    const efSweep = curve.sweep;
    const atEf = (e: number) => efSweep.find((x) => x.ef === e)?.recallAt10 ?? 0;

    log("LangChain BM25Retriever");
    // Over the first LANGCHAIN_LIMIT passages only: it keeps every document in memory and
    // rescans them all per question (about 0.25 s at 100k), so a million would only take longer.
    const lcRetriever = BM25Retriever.fromDocuments(
      Array.from(
        { length: Math.min(index.store.count, LANGCHAIN_LIMIT) },
        (_, i) => new Document({ pageContent: index.store.at(i).text }),
      ),
      { k: 10 },
    );
    const lcSamples = await timeSeries(questions, (q) => lcRetriever.invoke(q), { maxMs: 20_000, min: 3 });
    const lc = summarise(lcSamples);

    log("recall@5 on the public questions over corpus/");
    const real = await realCorpusRecall(root, publicQuestions, embeddings, tokenizer, chunking, ef, k);

    log("Ollama path against the fake server");
    let ollamaCorpus = corpusDir;
    if (options.size > 2000) {
      ollamaCorpus = path.join(root, "ollama-corpus");
      await generateCorpus({ dir: ollamaCorpus, passages: 1000, seed, chunking });
    }
    const ollama = await ollamaPath(ollamaCorpus, root, tokenizer, {
      batchSize: config.ollama.embedBatchSize,
      concurrency: config.ollama.embedConcurrency,
      latencyMs: options.ollamaLatencyMs ?? 50,
      chunking,
      model: config.ollama.embedModel,
    });

    const exactSummary = summarise(exactSamples);
    return {
      size: options.size,
      passages,
      articles: corpus.articles,
      seed,
      corpus: { characters: corpus.characters, generateMs: round(corpus.ms, 1) },
      ingest: {
        passagesPerSec: round(passages / (first.ms / 1000), 1),
        embedPassagesPerSec: round(passages / (first.embedMs / 1000), 1),
        ms: round(first.ms, 1),
        embedMs: round(first.embedMs, 1),
        buildMs: curve.buildMs,
        indexBytes: await diskBytes(buildDir),
        files: {
          denseBytes: await diskBytes(files.dense),
          passagesBytes: await diskBytes(files.passages),
          bm25Bytes: await diskBytes(files.bm25),
        },
        cacheBytes: await diskBytes(layout(indexDir).cache),
        peakRssMb: round(peakRssMb, 1),
        maxEventLoopBlockMs: round(first.blockMs, 1),
      },
      reingest: {
        ms: round(second.ms, 1),
        embedded: second.summary.chunks.embedded,
        newBuild: second.summary.buildId !== first.summary.buildId,
      },
      load: { ms: round(loadMs, 1), maxEventLoopBlockMs: round(loadBlockMs, 1) },
      query: {
        dense: summarise(denseSamples),
        bm25: summarise(bm25Samples),
        hybrid: summarise(hybridSamples),
        embedQuery: summarise(embedSamples),
      },
      loadMs: round(loadMs, 1),
      searchThreads: threads,
      splitSearches: dense.splitSearches,
      peakRssMb: round(peakRssMb, 1),
      builtinRecallAt10: round(builtinRecallAt10),
      ef,
      hnswRecallAt10: atEf(ef),
      efSweep,
      hnsw: {
        passages: proxy.count,
        queries: proxy.queries.length,
        dimension: PROXY_DIMENSION,
        m: curve.settings.m,
        efConstruction: curve.settings.efConstruction,
        buildMs: curve.buildMs,
        buildBlockMs: curve.buildBlockMs,
      },
      loadAverage: { start: loadAtStart, end: round(loadavg()[0] ?? 0, 2) },
      maxEventLoopBlockMs: round(maxEventLoopBlockMs, 1),
      baselines: {
        langchainBm25: {
          p50: lc.p50,
          p95: lc.p95,
          n: lc.n,
          recallAt5: real.langchainRecallAt5,
          recallAt5Segmented: real.langchainSegmentedRecallAt5,
        },
        langchainDefaultEf: { ef: 10, hnswRecallAt10: atEf(10) },
        exactScan: { p50: exactSummary.p50, p95: exactSummary.p95, n: exactSummary.n },
        exactColumnScan: {
          ...(({ p50, p95, n }) => ({ p50, p95, n }))(summarise(columnSamples)),
          sameAsExact: round(sameAsExact),
          queryNonZeroDims: nonZero,
        },
      },
      realCorpus: {
        passages: real.passages,
        questions: real.questions,
        bm25RecallAt5: real.bm25RecallAt5,
        hybridRecallAt5: real.hybridRecallAt5,
      },
      ollama,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
