import { HEADING_SEPARATOR } from "../src/chunk/chunker.js";
import { UserError } from "../src/errors.js";
import { readCurrentBuildId } from "../src/store/build.js";
import { loadIndex } from "../src/store/load.js";
import { runCli } from "./cli.js";

await runCli(async ({ config }) => {
  const json = process.argv.includes("--json");
  const buildId = await readCurrentBuildId(config.indexDir);
  if (!buildId)
    throw new UserError("index-missing", `no index at ${config.indexDir}: run "npm run ingest" first`);
  const index = await loadIndex(config.indexDir, buildId);
  if (json) {
    for (const c of index.chunks) {
      process.stdout.write(
        `${JSON.stringify({ id: c.id, source: c.source, title: c.title, heading: c.headingPath.join(HEADING_SEPARATOR), text: c.text })}\n`,
      );
    }
    return 0;
  }
  const m = index.manifest;
  const lines = [
    `index ${m.buildId} built ${m.builtAt} with ${m.embedder.id} (${m.embedder.dimension} dims), ${m.chunkCount} passages`,
  ];
  for (const [source, f] of Object.entries(m.files)) {
    lines.push(`  ${source}`, `    ${f.title}${f.url ? ` <${f.url}>` : ""}: ${f.chunkIds.length} passages`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
});
