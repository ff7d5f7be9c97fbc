/**
 * Choosing HNSW's M, efConstruction and default ef on dense proxy vectors (bench/proxy.ts):
 * one synthetic corpus, one graph per setting, recall@10 and latency at each ef. The chosen
 * setting is then measured at 100k by `npm run bench` (hnswRecallAt10, efSweep).
 *
 *   npx tsx bench/hnsw-tune.ts [--size 20000] [--settings 8x100,16x100,16x200,32x200] [--queries 200]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../src/config.js";
import { BuiltinEmbeddings } from "../src/embed/builtin.js";
import { ingest } from "../src/ingest/pipeline.js";
import { silentLogger } from "../src/logger.js";
import { loadBm25 } from "../src/store/bm25.js";
import { buildFiles, layout } from "../src/store/build.js";
import { sharedTokenizer } from "../src/text/tokenizer.js";
import { generateCorpus } from "./corpus.js";
import { startBlockProbe } from "./event-loop.js";
import { exactProxyHits, hnswCurve, PROXY_DIMENSION, proxySet } from "./proxy.js";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const size = Number(arg("--size", "20000"));
const settings = arg("--settings", "8x100,16x100,16x200,32x200")
  .split(",")
  .map((s) => s.split("x").map(Number))
  .map(([m, efConstruction]) => ({ m: m ?? 16, efConstruction: efConstruction ?? 200 }));
const queryCount = Number(arg("--queries", "200"));
const EFS = [32, 64, 128, 192, 256, 384, 512];
const SEED = 42;

const root = await mkdtemp(path.join(tmpdir(), "hnsw-tune-"));
try {
  const config = loadConfig({ env: {}, dotenv: false });
  const tokenizer = sharedTokenizer();
  await generateCorpus({
    dir: path.join(root, "corpus"),
    passages: size,
    seed: SEED,
    chunking: config.chunking,
  });
  const summary = await ingest({
    corpusDir: path.join(root, "corpus"),
    indexDir: path.join(root, "index"),
    chunking: config.chunking,
    embeddings: new BuiltinEmbeddings(tokenizer),
    tokenizer,
    logger: silentLogger,
  });
  const bm25 = await loadBm25(buildFiles(layout(path.join(root, "index")).build(summary.buildId)).bm25);
  const { rows, count, queries } = await proxySet(bm25, queryCount, SEED);
  const exact = exactProxyHits(rows.subarray(0, count * PROXY_DIMENSION), queries);
  for (const s of settings) {
    const curve = await hnswCurve(rows, count, queries, exact, s, EFS, startBlockProbe);
    process.stdout.write(`${JSON.stringify(curve)}\n`);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
