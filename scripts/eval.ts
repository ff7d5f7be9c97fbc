import { existsSync, rmSync } from "node:fs";
import { mkdir, mkdtemp, readFile, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createApp } from "../src/app.js";
import { buildBaseline } from "../src/eval/baseline.js";
import {
  computeMetrics,
  type EvalRecord,
  failureReasons,
  type Metrics,
  parseQuestions,
} from "../src/eval/metrics.js";
import { metricsTable } from "../src/eval/report.js";
import { runQuestions } from "../src/eval/run.js";
import { runCli, usageError } from "./cli.js";

const usage = `usage: npm run eval -- [questions.jsonl] [--corpus DIR]... [--out results.jsonl] [--k 5] [--baseline] [--json]
  Runs each question through the ask pipeline and prints the metrics of ../shared/eval/README.md,
  then every failing question with its reasons.
  Default questions: eval/questions.jsonl (the project's copy of the public set).
  --corpus DIR (repeatable): answer from these folders together, indexed in a temporary folder,
  instead of CORPUS_DIR/INDEX_DIR (e.g. --corpus corpus --corpus tests/fixtures/captures/pages).`;

function parseArgs(argv: string[]) {
  const opts = {
    file: "eval/questions.jsonl",
    out: undefined as string | undefined,
    k: undefined as number | undefined,
    baseline: false,
    json: false,
    corpus: [] as string[],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") {
      opts.out = argv[++i];
      if (!opts.out) throw usageError("--out needs a file name", usage);
    } else if (a === "--corpus") {
      const dir = argv[++i];
      if (!dir) throw usageError("--corpus needs a folder", usage);
      opts.corpus.push(dir);
    } else if (a === "--k") opts.k = Number(argv[++i]);
    else if (a === "--baseline") opts.baseline = true;
    else if (a === "--json") opts.json = true;
    else if (a === "--help" || a === "-h") return null;
    else if (a?.startsWith("-")) throw usageError(`unknown option ${a}`, usage);
    else if (a) opts.file = a;
  }
  if (opts.k !== undefined && (!Number.isInteger(opts.k) || opts.k < 1 || opts.k > 20))
    throw usageError("--k takes a whole number from 1 to 20", usage);
  return opts;
}

/**
 * Several corpus folders as one: a temporary folder of links to them (the corpus walker follows
 * links), with its own temporary index, removed when the process exits.
 */
async function combinedCorpus(folders: string[]): Promise<{ corpusDir: string; indexDir: string }> {
  const root = await mkdtemp(path.join(tmpdir(), "eval-corpus-"));
  process.on("exit", () => rmSync(root, { recursive: true, force: true }));
  const corpusDir = path.join(root, "corpus");
  await mkdir(corpusDir);
  for (const [i, folder] of folders.entries()) {
    if (!existsSync(folder)) throw usageError(`--corpus ${folder}: no such folder`, usage);
    await symlink(path.resolve(folder), path.join(corpusDir, `${i}-${path.basename(path.resolve(folder))}`));
  }
  return { corpusDir, indexDir: path.join(root, "index") };
}

await runCli(async ({ config, logger }) => {
  const opts = parseArgs(process.argv.slice(2));
  if (!opts) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const questions = parseQuestions(await readFile(opts.file, "utf8"));
  const k = opts.k ?? config.retrieval.k;
  const where = opts.corpus.length > 0 ? await combinedCorpus(opts.corpus) : null;
  const dirs = where ? { corpusDir: where.corpusDir, indexDir: where.indexDir } : {};
  const app = await createApp({ ...config, ...dirs, retrieval: { ...config.retrieval, k } }, { logger });
  if (await app.ensureIndex(() => process.stderr.write("no index yet: building it …\n")))
    process.stderr.write("index built\n");

  const records = await runQuestions(app.answerer, questions);
  if (opts.out) {
    await writeFile(
      opts.out,
      `${records.map((r) => JSON.stringify({ id: r.question.id, ...r.result })).join("\n")}\n`,
    );
  }
  const columns: Array<{ name: string; metrics: Partial<Metrics> }> = [
    { name: "all", metrics: computeMetrics(records, k) },
  ];
  for (const kind of [...new Set(questions.map((q) => q.kind))]) {
    columns.push({
      name: kind,
      metrics: computeMetrics(
        records.filter((r) => r.question.kind === kind),
        k,
      ),
    });
  }
  if (opts.baseline) {
    const search = await buildBaseline(app.config.corpusDir, app.embeddings);
    const baselineRecords: EvalRecord[] = [];
    for (const q of questions) {
      const started = performance.now();
      const texts = await search(q.question, 10);
      baselineRecords.push({
        question: q,
        result: {
          refused: false,
          answer: "",
          citations: [],
          retrieved: texts.map((text, i) => ({
            rank: i + 1,
            id: String(i),
            source: "",
            title: "",
            heading: "",
            text,
            score: 0,
          })),
          timings: { retrieveMs: 0, generateMs: 0, totalMs: Math.round(performance.now() - started) },
        },
      });
    }
    const m = computeMetrics(baselineRecords, k);
    // The baseline retrieves only; answer metrics do not apply to it.
    columns.push({
      name: "langchain-baseline",
      metrics: {
        count: m.count,
        recallAt1: m.recallAt1,
        recallAt5: m.recallAt5,
        mrrAt10: m.mrrAt10,
        latencyP50: m.latencyP50,
        latencyP95: m.latencyP95,
      },
    });
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(Object.fromEntries(columns.map((c) => [c.name, c.metrics])))}\n`);
  } else {
    process.stdout.write(
      `${questions.length} questions from ${opts.file}; ${app.embeddings.id}, chat ${config.chatProvider}, k=${k}\n\n`,
    );
    process.stdout.write(`${metricsTable(columns)}\n`);
    const failing = records
      .map((r) => ({ r, reasons: failureReasons(r, k) }))
      .filter((f) => f.reasons.length > 0);
    if (failing.length > 0) {
      process.stdout.write(`\n${failing.length} failing:\n`);
      for (const { r, reasons } of failing)
        process.stdout.write(`  ${r.question.id} ${r.question.question}\n    ${reasons.join("; ")}\n`);
    }
  }
  return 0;
});
