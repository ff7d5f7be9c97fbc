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
import { readFlags, runCli, usageError, wholeNumberFlag } from "./cli.js";

const usage = `usage: npm run eval -- [questions.jsonl] [--corpus DIR]... [--out results.jsonl] [--k 5] [--baseline] [--json]
  Runs each question through the ask pipeline and prints the metrics of ../shared/eval/README.md,
  then every failing question with its reasons.
  Default questions: eval/questions.jsonl (the project's copy of the public set).
  --corpus DIR (repeatable): answer from these folders together, indexed in a temporary folder,
  instead of CORPUS_DIR/INDEX_DIR (e.g. --corpus corpus --corpus tests/fixtures/captures/pages).
  --out FILE    also write each question's result, one JSON line each
  --k N         passages handed to the answer step, 1 to 20 (default RETRIEVAL_K)
  --baseline    add LangChain's tutorial pipeline side by side (retrieval metrics only)
  --json        print the metrics as one JSON object
  -h, --help    show this help`;

const opts = readFlags(
  process.argv.slice(2),
  {
    options: {
      corpus: { type: "string", multiple: true, default: [] },
      out: { type: "string" },
      k: { type: "string" },
      baseline: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
    allowPositionals: true,
  },
  usage,
  ({ values, positionals }) => {
    if (positionals.length > 1)
      throw usageError(`one questions file at most (got ${positionals.join(", ")})`, usage);
    return {
      file: positionals[0] ?? "eval/questions.jsonl",
      out: values.out,
      k: values.k === undefined ? undefined : wholeNumberFlag("--k", values.k, usage, { min: 1, max: 20 }),
      baseline: values.baseline,
      json: values.json,
      corpus: values.corpus,
    };
  },
);

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
