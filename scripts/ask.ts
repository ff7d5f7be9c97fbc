import { createApp, formatIngestSummary } from "../src/app.js";
import { renderAnswerText } from "../src/render/text.js";
import { normaliseQuestion } from "../src/text/question.js";
import { runCli } from "./cli.js";

const usage = `usage: npm run ask -- [--json] "your question"
  Answers from the articles in CORPUS_DIR, with citations. Builds the index first if there is none.`;

await runCli(async ({ config, logger }) => {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const question = args
    .filter((a) => a !== "--json")
    .join(" ")
    .trim();
  if (!question || args.includes("--help") || args.includes("-h")) {
    process.stderr.write(`${usage}\n`);
    return question ? 0 : 2;
  }
  // The answerer normalises the question itself; checked here too so that nothing left to ask
  // (only links, mentions, markup) is a usage error, as in Discord, rather than a refusal.
  if (!normaliseQuestion(question).text) {
    process.stderr.write(`the question is empty once links, mentions and markup are removed\n${usage}\n`);
    return 2;
  }
  const app = await createApp(config, { logger });
  const built = await app.ensureIndex(() =>
    process.stderr.write(`no index yet: building it from ${config.corpusDir} …\n`),
  );
  if (built) process.stderr.write(`index built: ${formatIngestSummary(built)}\n`);
  const result = await app.answerer.ask(question);
  const { language: _language, ...shown } = result;
  process.stdout.write(json ? `${JSON.stringify(shown)}\n` : `${renderAnswerText(result)}\n`);
  await app.close();
  return 0;
});
