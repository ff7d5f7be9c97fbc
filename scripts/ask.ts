import { createApp, formatIngestSummary } from "../src/app.js";
import { renderAnswerText } from "../src/render/text.js";
import { normaliseQuestion } from "../src/text/question.js";
import { readFlags, runCli, USAGE_EXIT_CODE } from "./cli.js";

const usage = `usage: npm run ask -- [--json] "your question"
  Answers from the articles in CORPUS_DIR, with citations. Builds the index first if there is none.
  --json     print the answer as one JSON object
  -h, --help show this help
  A question that starts with "-" goes after "--": npm run ask -- -- "-1 是什么？"`;

const flags = readFlags(
  process.argv.slice(2),
  { options: { json: { type: "boolean" } }, allowPositionals: true },
  usage,
);

await runCli(async ({ config, logger }) => {
  const question = flags.positionals.join(" ").trim();
  if (!question) {
    process.stderr.write(`error: no question given\n${usage}\n`);
    return USAGE_EXIT_CODE;
  }
  // The answerer normalises the question itself; checked here too so that nothing left to ask
  // (only links, mentions, markup) is a usage error, as in Discord, rather than a refusal.
  if (!normaliseQuestion(question).text) {
    process.stderr.write(
      `error: the question is empty once links, mentions and markup are removed\n${usage}\n`,
    );
    return USAGE_EXIT_CODE;
  }
  const app = await createApp(config, { logger });
  const built = await app.ensureIndex(() =>
    process.stderr.write(`no index yet: building it from ${config.corpusDir} …\n`),
  );
  if (built) process.stderr.write(`index built: ${formatIngestSummary(built)}\n`);
  const result = await app.answerer.ask(question);
  const { language: _language, ...shown } = result;
  process.stdout.write(flags.values.json ? `${JSON.stringify(shown)}\n` : `${renderAnswerText(result)}\n`);
  await app.close();
  return 0;
});
