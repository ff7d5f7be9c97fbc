import { SingleBar } from "cli-progress";
import { createApp } from "../src/app.js";
import { formatIngestReport, progressLine, throttleProgress } from "../src/ingest/summary.js";
import { readFlags, runCli } from "./cli.js";

const usage = `usage: npm run ingest [-- --full] [-- --json] [-- --allow-empty]
  Reads CORPUS_DIR, embeds what changed, and swaps a new index build into INDEX_DIR.
  --full         re-embed every passage, ignoring cached vectors
  --json         print the summary as one JSON object
  --allow-empty  index an empty corpus folder (an index with no articles) instead of refusing
  -h, --help     show this help`;

const flags = readFlags(
  process.argv.slice(2),
  {
    options: {
      full: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "allow-empty": { type: "boolean", default: false },
    },
  },
  usage,
).values;

await runCli(async ({ config, logger }) => {
  const { json } = flags;
  // In this process: the CLI has no event loop to keep free, and a signal that ends it (Ctrl-C,
  // a supervisor's SIGKILL) must end the ingest, not leave a child holding the lock.
  const app = await createApp(config, { logger, ingestInWorker: false });
  const bar =
    process.stderr.isTTY && !json
      ? new SingleBar({ format: "embedding {bar} {value}/{total} passages", hideCursor: true })
      : null;
  const logProgress = throttleProgress((p) => process.stderr.write(`${progressLine(p)}\n`));
  const summary = await app.ingest({
    full: flags.full,
    allowEmpty: flags["allow-empty"],
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
