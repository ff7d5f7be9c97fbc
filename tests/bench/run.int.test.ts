/**
 * A tiny run of `npm run bench` (about 200 passages): the JSON it prints has the documented
 * shape and its figures are sane. Invariants only, never timings: this machine is shared with
 * the other tests.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCorpus } from "../../bench/corpus.js";
import type { BenchResult } from "../../bench/run.js";
import { RETRIEVAL_DEFAULTS } from "../../src/config.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const TSX = path.join(REPO, "node_modules", ".bin", "tsx");
const run = promisify(execFile);

const isPercentiles = (p: { p50: number; p95: number; p99?: number }) => {
  expect(p.p50).toBeGreaterThan(0);
  expect(p.p95).toBeGreaterThanOrEqual(p.p50);
  if (p.p99 !== undefined) expect(p.p99).toBeGreaterThanOrEqual(p.p95);
};
const isShare = (x: number) => {
  expect(x).toBeGreaterThanOrEqual(0);
  expect(x).toBeLessThanOrEqual(1);
};

describe("npm run bench -- --size 200 --json", () => {
  let stdout = "";
  let result: BenchResult;

  beforeAll(async () => {
    ({ stdout } = await run(TSX, ["scripts/bench.ts", "--size", "200", "--json", "--queries", "40"], {
      cwd: REPO,
      timeout: 150_000,
      maxBuffer: 16 * 1024 * 1024,
    }));
    result = JSON.parse(stdout) as BenchResult;
  }, 180_000);

  it("prints exactly one JSON object on stdout", () => {
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(result).toMatchObject({
      size: 200,
      ingest: {
        passagesPerSec: expect.any(Number),
        buildMs: expect.any(Number),
        indexBytes: expect.any(Number),
        peakRssMb: expect.any(Number),
      },
      reingest: { ms: expect.any(Number), embedded: expect.any(Number) },
      query: { dense: expect.any(Object), bm25: expect.any(Object), hybrid: expect.any(Object) },
      ef: expect.any(Number),
      hnswRecallAt10: expect.any(Number),
      builtinRecallAt10: expect.any(Number),
      loadMs: expect.any(Number),
      peakRssMb: expect.any(Number),
      maxEventLoopBlockMs: expect.any(Number),
      hnsw: { passages: expect.any(Number), m: expect.any(Number), efConstruction: expect.any(Number) },
      baselines: {
        langchainBm25: { p50: expect.any(Number), p95: expect.any(Number) },
        langchainDefaultEf: { hnswRecallAt10: expect.any(Number) },
        exactScan: { p50: expect.any(Number), p95: expect.any(Number) },
      },
    });
  });

  it("ingests about the requested number of passages, and re-ingests without embedding", () => {
    expect(result.passages).toBeGreaterThanOrEqual(200);
    expect(result.passages).toBeLessThan(300);
    expect(result.ingest.passagesPerSec).toBeGreaterThan(0);
    expect(result.ingest.buildMs).toBeGreaterThan(0);
    expect(result.ingest.indexBytes).toBeGreaterThan(0);
    expect(result.ingest.peakRssMb).toBeGreaterThan(0);
    expect(result.reingest.ms).toBeGreaterThan(0);
    expect(result.reingest.embedded).toBe(0);
    expect(result.reingest.newBuild).toBe(false);
  });

  it("reports positive, ordered latencies and recalls between 0 and 1", () => {
    isPercentiles(result.query.dense);
    isPercentiles(result.query.bm25);
    isPercentiles(result.query.hybrid);
    isPercentiles(result.baselines.langchainBm25);
    isPercentiles(result.baselines.exactScan);
    // The index's column scan is the brute force computed another way: the same neighbours, always.
    expect(result.baselines.exactColumnScan.sameAsExact).toBe(1);
    expect(result.builtinRecallAt10).toBe(1);
    expect(result.ef).toBe(RETRIEVAL_DEFAULTS.ef);
    isShare(result.hnswRecallAt10);
    // The proxy graph is built over the passages less the held-out queries, and the sweep has the default ef.
    expect(result.hnsw.passages).toBeGreaterThan(50);
    expect(result.hnsw.passages + result.hnsw.queries).toBeLessThanOrEqual(result.passages);
    expect(result.efSweep.map((e) => e.ef)).toContain(result.ef);
    expect(result.loadMs).toBe(result.load.ms);
    expect(result.peakRssMb).toBe(result.ingest.peakRssMb);
    isShare(result.baselines.langchainDefaultEf.hnswRecallAt10);
    isShare(result.baselines.langchainBm25.recallAt5);
    isShare(result.realCorpus.hybridRecallAt5);
    expect(result.maxEventLoopBlockMs).toBeGreaterThanOrEqual(0);
  });

  it("drives the Ollama path in batches, within the configured concurrency", () => {
    const o = result.ollama;
    expect(o.passages).toBe(result.passages);
    expect(o.embedRequests).toBeGreaterThanOrEqual(Math.ceil(o.passages / o.batchSize));
    expect(o.requestsPerPassage).toBeGreaterThan(0);
    expect(o.requestsPerPassage).toBeLessThan(1);
    expect(o.maxInFlight).toBeGreaterThanOrEqual(1);
    expect(o.maxInFlight).toBeLessThanOrEqual(o.concurrency);
  });
});

describe("the synthetic corpus", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function generate(seed: number): Promise<Map<string, string>> {
    const dir = await mkdtemp(path.join(tmpdir(), "bench-corpus-"));
    dirs.push(dir);
    await generateCorpus({ dir, passages: 60, seed, chunking: { size: 400, overlap: 80 } });
    const files = new Map<string, string>();
    for (const folder of await readdir(dir)) {
      for (const name of await readdir(path.join(dir, folder))) {
        files.set(`${folder}/${name}`, await readFile(path.join(dir, folder, name), "utf8"));
      }
    }
    return files;
  }

  it("is the same for the same seed and different for another", async () => {
    const a = await generate(7);
    const b = await generate(7);
    const c = await generate(8);
    expect([...a.entries()]).toEqual([...b.entries()]);
    expect([...a.values()].join("")).not.toEqual([...c.values()].join(""));
    // Chinese text with the debate's vocabulary and numbered headings.
    const text = [...a.values()].join("\n");
    expect(text).toMatch(/[\u4e00-\u9fff]{20}/);
    expect(text).toMatch(/开源|闭源/);
    expect(text).toMatch(/^(## )?[一二三四五六七八九]、/m);
  });
});
