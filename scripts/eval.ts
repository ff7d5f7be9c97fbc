import { readFile, writeFile } from "node:fs/promises";
import { createApp } from "../src/app.js";
import { buildBaseline } from "../src/eval/baseline.js";
import {
  computeMetrics,
  type EvalRecord,
  firstRelevantRank,
  type Metrics,
  parseQuestions,
} from "../src/eval/metrics.js";
import { metricsTable } from "../src/eval/report.js";
import { runQuestions } from "../src/eval/run.js";
import { runCli, usageError } from "./cli.js";

const usage = `usage: npm run eval -- [questions.jsonl] [--out results.jsonl] [--k 5] [--baseline] [--json]
  Runs each question through the ask pipeline and prints the metrics of ../shared/eval/README.md.
  Default questions: eval/questions.jsonl (the project's copy of the public set).`;

function parseArgs(argv: string[]) {
  const opts = {
    file: "eval/questions.jsonl",
    out: undefined as string | undefined,
    k: undefined as number | undefined,
    baseline: false,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") {
      opts.out = argv[++i];
      if (!opts.out) throw usageError("--out needs a file name", usage);
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

await runCli(async ({ config, logger }) => {
  const opts = parseArgs(process.argv.slice(2));
  if (!opts) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const questions = parseQuestions(await readFile(opts.file, "utf8"));
  const k = opts.k ?? config.retrieval.k;
  const app = await createApp({ ...config, retrieval: { ...config.retrieval, k } }, { logger });
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
    const search = await buildBaseline(config.corpusDir, app.embeddings);
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
    const misses = records.filter(
      (r) =>
        r.result.refused === r.question.answerable ||
        (r.question.answerable &&
          (firstRelevantRank(
            r.result.retrieved.map((p) => p.text),
            r.question.evidence,
          ) ?? 99) > 5),
    );
    if (misses.length > 0)
      process.stdout.write(`\nto look at: ${misses.map((r) => r.question.id).join(", ")}\n`);
  }
  return 0;
});
