/**
 * Refactor guard: a digest of what retrieval and answering produce, so that a change meant to
 * preserve behaviour can prove it did. For every question of eval/questions.jsonl and
 * eval/heldout.jsonl it records the fused ranking (ids, order, scores), the passages handed to
 * the answer step, and the answer with its citations, over two indexes: corpus/ and a 10k
 * synthetic corpus (bench/corpus.ts, fixed seed). Writes the records as JSON lines and prints
 * one sha256 per section; compare two runs with `diff`.
 *
 *   npx tsx bench/digest.ts [--out digest.jsonl] [--size 10000]
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { parseQuestions } from "../src/eval/metrics.js";
import { silentLogger } from "../src/logger.js";
import { analyseQuestion } from "../src/retrieve/query.js";
import { retrieve } from "../src/retrieve/retrieve.js";
import { generateCorpus } from "./corpus.js";
import { REPO } from "./run.js";

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const out = argValue("--out") ?? "digest.jsonl";
const syntheticSize = Number(argValue("--size") ?? 10_000);

const questions = [
  ...parseQuestions(await readFile(path.join(REPO, "eval/questions.jsonl"), "utf8")),
  ...parseQuestions(await readFile(path.join(REPO, "eval/heldout.jsonl"), "utf8")),
];

async function section(name: string, corpusDir: string, indexDir: string): Promise<string[]> {
  const base = loadConfig({ env: {}, dotenv: false, cwd: REPO });
  const config = { ...base, corpusDir, indexDir };
  const app = await createApp(config, { logger: silentLogger });
  await app.ingest();
  const index = await app.index.current();
  const deps = {
    embeddings: app.embeddings,
    tokenizer: app.tokenizer,
    reranker: app.reranker,
    settings: config.retrieval,
  };
  const lines: string[] = [];
  for (const q of questions) {
    const analysis = analyseQuestion(q.question, app.tokenizer, (await app.index.current()).bridge);
    const r = await retrieve(analysis, index, deps, { k: config.retrieval.k });
    const answer = await app.answerer.ask(q.question);
    lines.push(
      JSON.stringify({
        section: name,
        id: q.id,
        ranked: r.ranked.map((s) => [s.chunk.id, Number(s.score.toFixed(9))]),
        top: r.top.map((s) => s.chunk.id),
        refused: answer.refused,
        answer: answer.answer,
        citations: answer.citations.map((c) => [c.id, c.heading]),
        retrieved: answer.retrieved.map((p) => [p.id, p.score]),
      }),
    );
  }
  return lines;
}

const root = await mkdtemp(path.join(tmpdir(), "digest-"));
try {
  const sections: Array<[string, string[]]> = [];
  sections.push(["corpus", await section("corpus", path.join(REPO, "corpus"), path.join(root, "real"))]);
  const synthetic = path.join(root, "synthetic-corpus");
  const base = loadConfig({ env: {}, dotenv: false, cwd: REPO });
  await generateCorpus({ dir: synthetic, passages: syntheticSize, seed: 7, chunking: base.chunking });
  sections.push(["synthetic", await section("synthetic", synthetic, path.join(root, "synthetic"))]);
  await writeFile(out, `${sections.flatMap(([, lines]) => lines).join("\n")}\n`);
  for (const [name, lines] of sections) {
    const digest = createHash("sha256").update(lines.join("\n")).digest("hex");
    process.stdout.write(`${name}: ${lines.length} questions, sha256 ${digest}\n`);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
