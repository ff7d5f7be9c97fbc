/**
 * `npm run eval:clean`: how well cleaning separates article text from page furniture on the
 * capture set (tests/fixtures/captures: pages from many kinds of sites, each with a gold file
 * labelling every visible line). Prints content and furniture precision/recall per page and
 * overall; `--misses` lists every gold line cleaning got wrong; `--json` prints the figures.
 */
import { CAPTURES_DIR, scoreCaptures } from "../src/eval/clean-captures.js";
import { cleanMetrics } from "../src/eval/clean-metrics.js";
import { readFlags, runCli, usageError } from "./cli.js";

const pct = (x: number) => (x * 100).toFixed(1).padStart(6);

const usage = `usage: npm run eval:clean -- [DIR] [--misses] [--json]
  Content and furniture precision/recall of cleaning, per capture page and overall.
  DIR         a capture set laid out like tests/fixtures/captures (default)
  --misses    list every gold line cleaning got wrong
  --json      print the figures as one JSON object
  -h, --help  show this help`;

const { values: flags, dir } = readFlags(
  process.argv.slice(2),
  {
    options: { json: { type: "boolean", default: false }, misses: { type: "boolean", default: false } },
    allowPositionals: true,
  },
  usage,
  ({ values, positionals }) => {
    if (positionals.length > 1) throw usageError(`one DIR at most (got ${positionals.join(", ")})`, usage);
    return { values, dir: positionals[0] ?? CAPTURES_DIR };
  },
);

await runCli(async () => {
  const pages = await scoreCaptures(dir);
  const overall = cleanMetrics(pages.map((p) => p.score));
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ overall, pages: Object.fromEntries(pages.map((p) => [p.page, cleanMetrics([p.score])])) })}\n`,
    );
    return 0;
  }
  process.stdout.write(
    "page                          content: recall  precision   furniture: recall  precision\n",
  );
  for (const { page, score } of pages) {
    const m = cleanMetrics([score]);
    process.stdout.write(
      `${page.padEnd(30)} ${pct(m.contentRecall)}%   ${pct(m.contentPrecision)}%            ${pct(m.furnitureRecall)}%   ${pct(m.furniturePrecision)}%\n`,
    );
  }
  process.stdout.write(
    `${"overall".padEnd(30)} ${pct(overall.contentRecall)}%   ${pct(overall.contentPrecision)}%            ${pct(overall.furnitureRecall)}%   ${pct(overall.furniturePrecision)}%\n`,
  );
  if (flags.misses) {
    for (const { page, score } of pages) {
      for (const r of score.lines.filter((l) => !l.ok)) {
        const what = ["furniture", "diagram"].includes(r.line.kind) ? "leaked" : "lost";
        process.stdout.write(`${page}: ${what} ${r.line.kind}: ${r.line.text.slice(0, 100)}\n`);
      }
    }
  }
  return 0;
});
