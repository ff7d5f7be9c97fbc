import { SingleBar } from "cli-progress";
import { createApp } from "../src/app.js";
import { formatIngestReport, progressLine, throttleProgress } from "../src/ingest/summary.js";
import { runCli } from "./cli.js";

const usage = `usage: npm run ingest [-- --full] [-- --json]
  Reads CORPUS_DIR, embeds what changed, and swaps a new index build into INDEX_DIR.
  --full  re-embed every passage, ignoring cached vectors
  --json  print the summary as one JSON object`;

await runCli(async ({ config, logger }) => {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const unknown = args.filter((a) => !["--full", "--json"].includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown.join(" ")}\n${usage}\n`);
    return 2;
  }
  const json = args.includes("--json");
  const app = await createApp(config, { logger });
  const bar =
    process.stderr.isTTY && !json
      ? new SingleBar({ format: "embedding {bar} {value}/{total} passages", hideCursor: true })
      : null;
  const logProgress = throttleProgress((p) => process.stderr.write(`${progressLine(p)}\n`));
  const summary = await app.ingest({
    full: args.includes("--full"),
    onProgress: ({ done, total }) => {
      if (total === 0) return;
      if (bar) {
        if (done === 0) bar.start(total, 0);
        else bar.update(done);
        if (done === total) bar.stop();
      } else if (!json) logProgress({ done, total });
    },
  });
  if (json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  }
  process.stdout.write(
    formatIngestReport(summary, { indexDir: config.indexDir, embedderId: app.embeddings.id }),
  );
  return 0;
});
