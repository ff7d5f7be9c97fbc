/**
 * npm run bench -- [--size N] [--json] [--write] …: a thin CLI over bench/run.ts.
 */
import { fork } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { getHeapStatistics } from "node:v8";
import { formatResult, latencyChart, machineInfo, resultsMarkdown } from "../bench/report.js";
import { type BenchResult, REPO, runBench } from "../bench/run.js";
import { readFlags, runCli, wholeNumberFlag } from "./cli.js";

const DEFAULT_SIZES = [1_000, 10_000, 100_000];
const NOTES = /<!-- notes -->[\s\S]*?<!-- \/notes -->/;

const usage = `usage: npm run bench -- [--size N] [--json] [--write | --render] [--seed S] [--ef N] [--threads N] [--queries N] [--ollama-latency MS]
  --size N      one run on a synthetic corpus of about N passages (e.g. 1000000); without it 1k, 10k
                and 100k run in turn, each in its own process
  --json        print one JSON object per size (exactly one with --size), nothing else on stdout
  --write       also write bench/results.json, bench/latency.svg and bench/RESULTS.md (results of
                other sizes already in results.json are kept)
  --render      rewrite bench/RESULTS.md and bench/latency.svg from bench/results.json, run nothing
  --seed S      corpus and question seed (default 42)
  --ef N        HNSW ef measured as the default on the dense proxy vectors (default: HNSW_EF's, 300)
  --threads N   threads one exact dense search is shared between (default: SEARCH_THREADS's, the
                cores up to 4; splitting starts at 50,000 passages)
  --queries N   questions per latency series (default 300)
  --ollama-latency MS  per-request latency of the fake Ollama server (default 50)
  --proxy N     passages of the dense proxy set HNSW is measured on (default 100000)
  -h, --help    show this help`;

interface Args {
  size: number | undefined;
  json: boolean;
  write: boolean;
  render: boolean;
  seed: number;
  ef: number | undefined;
  threads: number | undefined;
  queries: number | undefined;
  ollamaLatency: number | undefined;
  proxy: number | undefined;
}

function parseBenchArgs(argv: string[]): Args {
  const number = { type: "string" } as const;
  return readFlags(
    argv,
    {
      options: {
        size: number,
        json: { type: "boolean", default: false },
        write: { type: "boolean", default: false },
        render: { type: "boolean", default: false },
        seed: number,
        ef: number,
        threads: number,
        queries: number,
        "ollama-latency": number,
        proxy: number,
      },
    },
    usage,
    ({ values: v }) => {
      const num = (flag: string, value: string | undefined, min: number): number | undefined =>
        value === undefined ? undefined : wholeNumberFlag(`--${flag}`, value, usage, { min });
      return {
        size: num("size", v.size, 50),
        json: v.json,
        write: v.write,
        render: v.render,
        seed: num("seed", v.seed, 0) ?? 42,
        ef: num("ef", v.ef, 10),
        threads: num("threads", v.threads, 1),
        queries: num("queries", v.queries, 20),
        ollamaLatency: num("ollama-latency", v["ollama-latency"], 1),
        proxy: num("proxy", v.proxy, 100),
      };
    },
  );
}

/** The flags a child run repeats (all but --size, --json and --write, which the parent decides). */
function childFlags(args: Args): string[] {
  const flags: Array<[string, number | undefined]> = [
    ["--seed", args.seed],
    ["--ef", args.ef],
    ["--threads", args.threads],
    ["--queries", args.queries],
    ["--ollama-latency", args.ollamaLatency],
    ["--proxy", args.proxy],
  ];
  return flags.flatMap(([flag, value]) => (value === undefined ? [] : [flag, String(value)]));
}

/**
 * A million passages keep more than Node's default 4 GB of JavaScript heap alive during ingest
 * (passage objects, their ids and terms): a run that large goes to a child with a larger heap.
 */
const LARGE_RUN = 500_000;
const LARGE_HEAP_MB = 12_288;

/** Each size in a fresh process, so that peak RSS and heap state belong to that size alone. */
function runChild(size: number, args: Args, extraExecArgv: string[] = []): Promise<BenchResult> {
  const passthrough = childFlags(args);
  return new Promise((resolve, reject) => {
    const child = fork(
      process.argv[1] ?? "scripts/bench.ts",
      ["--size", String(size), "--json", ...passthrough],
      {
        execArgv: [...process.execArgv, ...extraExecArgv],
        stdio: ["ignore", "pipe", "inherit", "ipc"],
      },
    );
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`the ${size}-passage run exited with ${code}`));
      try {
        resolve(JSON.parse(out) as BenchResult);
      } catch (err) {
        reject(err);
      }
    });
  });
}

async function writeResults(results: BenchResult[]): Promise<void> {
  const dir = path.join(REPO, "bench");
  const jsonFile = path.join(dir, "results.json");
  let all: BenchResult[] = [];
  try {
    // Results of an older shape (before the proxy HNSW and the binary store) cannot be rendered
    // next to new ones, and no longer describe this code: they are dropped.
    all = (JSON.parse(await readFile(jsonFile, "utf8")) as BenchResult[]).filter((r) => r.hnsw !== undefined);
  } catch {
    // first run
  }
  for (const r of results) all = [...all.filter((x) => x.size !== r.size), r];
  all.sort((a, b) => a.size - b.size);
  let notes = "<!-- notes -->\n<!-- /notes -->";
  try {
    notes = NOTES.exec(await readFile(path.join(dir, "RESULTS.md"), "utf8"))?.[0] ?? notes;
  } catch {
    // no RESULTS.md yet
  }
  await writeFile(jsonFile, `${JSON.stringify(all, null, 2)}\n`);
  await writeFile(path.join(dir, "latency.svg"), latencyChart(all));
  await writeFile(
    path.join(dir, "RESULTS.md"),
    resultsMarkdown(all, machineInfo(), "npm run bench -- --write", "latency.svg", notes),
  );
  process.stderr.write(`wrote bench/RESULTS.md, bench/latency.svg, bench/results.json\n`);
}

const args = parseBenchArgs(process.argv.slice(2));

// Defaults only, like bench/run.ts: the figures must not depend on whoever's .env is around.
await runCli(
  async () => {
    if (args.render) {
      await writeResults([]);
      return 0;
    }
    const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
    const results: BenchResult[] = [];
    const heapMb = getHeapStatistics().heap_size_limit / 2 ** 20;
    if (args.size !== undefined && args.size >= LARGE_RUN && heapMb < LARGE_HEAP_MB * 0.9) {
      results.push(await runChild(args.size, args, [`--max-old-space-size=${LARGE_HEAP_MB}`]));
    } else if (args.size !== undefined) {
      results.push(
        await runBench({
          size: args.size,
          seed: args.seed,
          ...(args.ef !== undefined ? { ef: args.ef } : {}),
          ...(args.threads !== undefined ? { threads: args.threads } : {}),
          ...(args.queries !== undefined ? { queries: args.queries } : {}),
          ...(args.ollamaLatency !== undefined ? { ollamaLatencyMs: args.ollamaLatency } : {}),
          ...(args.proxy !== undefined ? { proxyPassages: args.proxy } : {}),
          log,
        }),
      );
    } else {
      for (const size of DEFAULT_SIZES) {
        const r = await runChild(size, args);
        results.push(r);
        if (!args.json) process.stdout.write(`${formatResult(r)}\n\n`);
      }
    }
    if (args.json) for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
    else if (args.size !== undefined) for (const r of results) process.stdout.write(`${formatResult(r)}\n`);
    if (args.write) await writeResults(results);
    return 0;
  },
  { settings: { env: {}, dotenv: false } },
);
