/**
 * `npx tsx bench/reindex-block.ts [--passages 10000] [--runs 3] [--no-baseline]`: the longest
 * event-loop block in the bot's thread while `/reindex` rebuilds a ~10k-passage index (target
 * ≤ 50 ms, issue 12). The reindex is a full one (every passage re-embedded, every structure
 * rebuilt, through src/app.ts as /reindex runs it) and includes the switch to the new build.
 *
 * Figures: the reindex alone (the target), then with a question every 250 ms during it (the
 * questions' own retrieval blocks the loop too, so the same questions are also timed with no
 * reindex running), and the baseline: the same reindex on the bot's thread, as before the
 * ingest process. Prints a table on stdout; bench/RESULTS.md records it. Exit 1 when the target is missed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { type App, createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { silentLogger } from "../src/logger.js";
import { generateCorpus } from "./corpus.js";
import { startBlockProbe } from "./event-loop.js";
import { round, summarise } from "./stats.js";

const usage = "usage: npx tsx bench/reindex-block.ts [--passages 10000] [--runs 3] [--no-baseline]\n";
let values: { passages: string; runs: string; "no-baseline": boolean; help: boolean };
try {
  ({ values } = parseArgs({
    options: {
      passages: { type: "string", default: "10000" },
      runs: { type: "string", default: "3" },
      "no-baseline": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  }));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}
const passages = Number(values.passages);
const runs = Number(values.runs);
if (!Number.isInteger(passages) || passages < 100 || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`--passages: a whole number ≥ 100; --runs: a whole number ≥ 1\n${usage}`);
  process.exit(2);
}

const TARGET_MS = 50;
const QUESTIONS = [
  "开源大模型的成本优势是什么？",
  "闭源大模型在安全方面有哪些考虑？",
  "Which is cheaper, open or closed models?",
];
const log = (line: string) => process.stderr.write(`${line}\n`);
const ms = (x: number) => `${round(x, 1)} ms`;

/**
 * The longest garbage-collection pause of the bot's thread meanwhile: a block that long or
 * shorter may be the collector (the switch to a new build drops the old one), not the reindex.
 */
function watchGc(): { stop(): number } {
  let longestGcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longestGcMs = Math.max(longestGcMs, e.duration);
  });
  gc.observe({ entryTypes: ["gc"] });
  return {
    stop() {
      gc.disconnect();
      return longestGcMs;
    },
  };
}

/** Asks a question every 250 ms until stopped; the latencies. */
function keepAsking(app: App): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  let stopped = false;
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const started = performance.now();
      await app.answerer.ask(QUESTIONS[i % QUESTIONS.length] as string);
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return latencies;
    },
  };
}

const root = await mkdtemp(path.join(tmpdir(), "llm-reindex-block-"));
try {
  const corpusDir = path.join(root, "corpus");
  const config = loadConfig({
    cwd: root,
    env: { CORPUS_DIR: corpusDir, INDEX_DIR: path.join(root, "index"), LOG_LEVEL: "silent" },
  });
  log(`generating a corpus of ~${passages} passages`);
  const corpus = await generateCorpus({ dir: corpusDir, passages, seed: 12, chunking: config.chunking });
  log(`  ${corpus.articles} articles, ${corpus.passages} passages`);

  /** One full reindex as /reindex runs it, with the probe on this (the bot's) thread. */
  const reindex = async (ingestInWorker: boolean, withQuestions: boolean) => {
    const app = await createApp(config, { logger: silentLogger, ingestInWorker });
    await app.ensureIndex();
    // A running bot has answered before: the first question of a process loads the dictionaries
    // and lexicons (seconds), which is start-up, not reindexing.
    await app.answerer.ask(QUESTIONS[0] as string);
    const asking = withQuestions ? keepAsking(app) : null;
    const lines: string[] = [];
    const gc = watchGc();
    const probe = startBlockProbe();
    const started = performance.now();
    const summary = await app.reindexSummary((line) => lines.push(line), { full: true });
    const seconds = (performance.now() - started) / 1000;
    const blockMs = probe.stop();
    const longestGcMs = gc.stop();
    const latencies = (await asking?.stop()) ?? [];
    await app.close();
    return { summary, seconds, blockMs, longestGcMs, lines: lines.length, latencies };
  };

  const alone: Array<Awaited<ReturnType<typeof reindex>>> = [];
  for (let r = 1; r <= runs; r++) {
    log(`reindex in the ingest process, run ${r}/${runs}`);
    alone.push(await reindex(true, false));
  }
  log("an idle bot for as long: the machine's own noise");
  const idleProbe = startBlockProbe();
  await new Promise((r) => setTimeout(r, (alone[0]?.seconds ?? 10) * 1000));
  const idleMs = idleProbe.stop();
  log("reindex in the ingest process, with questions");
  const asked = await reindex(true, true);
  log("the same questions, no reindex");
  const quiet = await (async () => {
    const app = await createApp(config, { logger: silentLogger });
    await app.answerer.ask(QUESTIONS[0] as string);
    const asking = keepAsking(app);
    const probe = startBlockProbe();
    await new Promise((r) => setTimeout(r, Math.min(asked.seconds, 15) * 1000));
    const blockMs = probe.stop();
    const latencies = await asking.stop();
    await app.close();
    return { blockMs, latencies };
  })();
  let baseline: Awaited<ReturnType<typeof reindex>> | null = null;
  if (!values["no-baseline"]) {
    log("reindex on the bot's thread (baseline)");
    baseline = await reindex(false, false);
  }

  const blocks = alone.map((a) => a.blockMs).sort((a, b) => a - b);
  const worst = blocks.at(-1) ?? 0;
  const latency = (l: number[]) => {
    const s = summarise(l);
    return `${s.n} questions, p50 ${ms(s.p50)}, max ${ms(Math.max(...l))}`;
  };
  const rows: Array<[string, string]> = [
    ["passages (articles)", `${alone[0]?.summary.chunks.total} (${corpus.articles})`],
    [
      "full reindex in the ingest process",
      `${round(alone[0]?.seconds ?? 0, 2)} s, ${alone[0]?.lines} progress lines`,
    ],
    [
      `longest event-loop block, reindex alone (${runs} runs; target ≤ ${TARGET_MS} ms)`,
      `${blocks.map(ms).join(", ")}; worst ${ms(worst)}`,
    ],
    ["  longest GC pause of the bot's thread (per run)", alone.map((a) => ms(a.longestGcMs)).join(", ")],
    ["longest block of an idle bot over as long (machine noise)", ms(idleMs)],
    ["longest block, reindex + a question every 250 ms", ms(asked.blockMs)],
    ["  questions during that reindex", latency(asked.latencies)],
    ["longest block, the same questions with no reindex", ms(quiet.blockMs)],
    ["  questions with no reindex", latency(quiet.latencies)],
    ...(baseline
      ? ([
          ["full reindex on the bot's thread (baseline)", `${round(baseline.seconds, 2)} s`],
          ["longest event-loop block, baseline", ms(baseline.blockMs)],
          ["  longest GC pause of the bot's thread", ms(baseline.longestGcMs)],
        ] as Array<[string, string]>)
      : []),
    ["machine load average (1 min) at the end", String(round(loadavg()[0] ?? 0, 2))],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n")}\n`);
  process.exitCode = worst <= TARGET_MS ? 0 : 1;
} finally {
  await rm(root, { recursive: true, force: true });
}
