/**
 * `npm run inspect`: what the index holds, per article; `--json` one line per passage.
 * `npm run inspect -- --removed [FILE]`: what cleaning drops from each corpus file (or the files
 * whose path contains FILE), block by block with the reason, read from corpus/ as it is now, so
 * an operator who has just added an article can check it before (or without) ingesting.
 */
import { HEADING_SEPARATOR } from "../src/chunk/chunker.js";
import { loadCorpus } from "../src/corpus/load.js";
import { UserError } from "../src/errors.js";
import { readCorpus } from "../src/ingest/read.js";
import { readCurrentBuildId } from "../src/store/build.js";
import { loadIndex } from "../src/store/load.js";
import { readFlags, runCli, usageError } from "./cli.js";

const usage = `usage: npm run inspect -- [--json] | --removed [FILE] [--json]
  --json            one JSON line per passage (with --removed: per removed block)
  --removed [FILE]  what cleaning drops from each corpus file (paths containing FILE), with reasons
  -h, --help        show this help`;

const { json, showRemoved, filter } = readFlags(
  process.argv.slice(2),
  {
    options: { json: { type: "boolean", default: false }, removed: { type: "boolean", default: false } },
    allowPositionals: true,
  },
  usage,
  ({ values, positionals }) => {
    if (positionals.length > 0 && !values.removed)
      throw usageError(`unexpected argument "${positionals[0]}" (FILE goes with --removed)`, usage);
    if (positionals.length > 1) throw usageError("--removed takes one FILE", usage);
    return { json: values.json, showRemoved: values.removed, filter: positionals[0] };
  },
);

await runCli(async ({ config }) => {
  if (showRemoved) {
    // Says plainly when CORPUS_DIR is missing (an empty corpus simply lists nothing).
    await readCorpus(config.corpusDir, { allowEmpty: true });
    const { articles, skipped } = await loadCorpus(config.corpusDir);
    const chosen = articles.filter((a) => !filter || a.source.includes(filter));
    if (filter && chosen.length === 0 && !skipped.some((s) => s.source.includes(filter)))
      throw new UserError("bad-input", `no article in ${config.corpusDir} has a path containing "${filter}"`);
    const out: string[] = [];
    for (const a of chosen) {
      const removed = a.removed ?? [];
      if (json) {
        for (const r of removed) out.push(JSON.stringify({ source: a.source, rule: r.rule, text: r.text }));
        continue;
      }
      out.push(`${a.source}: ${removed.length} blocks removed (title: ${a.meta.title})`);
      for (const r of removed)
        out.push(`  [${r.rule}] ${r.text.length > 120 ? `${r.text.slice(0, 117)}…` : r.text}`);
    }
    for (const s of skipped.filter((s) => !filter || s.source.includes(filter)))
      if (!json) out.push(`${s.source}: skipped (${s.reason})`);
    if (out.length > 0) process.stdout.write(`${out.join("\n")}\n`);
    return 0;
  }
  const buildId = await readCurrentBuildId(config.indexDir);
  if (!buildId)
    throw new UserError("index-missing", `no index at ${config.indexDir}: run "npm run ingest" first`);
  const index = await loadIndex(config.indexDir, buildId);
  if (json) {
    for (const c of index.chunks) {
      process.stdout.write(
        `${JSON.stringify({ id: c.id, source: c.source, title: c.title, heading: c.headingPath.join(HEADING_SEPARATOR), kind: c.kind ?? "text", text: c.text })}\n`,
      );
    }
    return 0;
  }
  const m = index.manifest;
  const lines = [
    `index ${m.buildId} built ${m.builtAt} with ${m.embedder.id} (${m.embedder.dimension} dims), ${m.chunkCount} passages`,
  ];
  for (const [source, f] of m.files.entries()) {
    const removed = f.removedBlocks ? `, ${f.removedBlocks} blocks of page furniture removed` : "";
    lines.push(
      `  ${source}`,
      `    ${f.title}${f.url ? ` <${f.url}>` : ""}: ${f.passages} passages${removed}`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
});
