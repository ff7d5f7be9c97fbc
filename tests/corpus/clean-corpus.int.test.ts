/**
 * Both directions of cleaning, on the five captured articles as they are: none of their
 * non-article text reaches the index, and every paragraph and list item of every article body
 * does. The fixtures in tests/fixtures/cleaning were written by reading the raw files: one
 * distinctive snippet per piece of noise (`.noise.txt`), one per body paragraph or list item
 * (`.body.txt`), and the article's headings (`.headings.txt`).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../../src/corpus/load.js";
import {
  CORPUS,
  FIXTURES,
  type InspectLine,
  inspectIndex,
  normalise,
  occurrences,
  runIngest,
  tempDir,
} from "../helpers/ingest-helpers.js";

const CLEANING = path.join(FIXTURES, "cleaning");
const ARTICLE_FILES = readdirSync(CORPUS).filter(
  (f) => /\.(md|markdown|txt|html?)$/.test(f) && !f.includes(".meta."),
);
const stem = (file: string) => file.replace(/\.[^.]+$/, "");

function snippets(name: string, kind: "noise" | "body" | "headings"): string[] {
  return readFileSync(path.join(CLEANING, `${name}.${kind}.txt`), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("# "));
}

const rawFile = (file: string) => readFileSync(path.join(CORPUS, file), "utf8");

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', nbsp: " ", "#39": "'" };

/** The raw file as a reader sees it (tags dropped, entities decoded), normalised. */
function rawText(file: string): string {
  const raw = rawFile(file);
  const text = /\.html?$/.test(file)
    ? raw
        .replace(/<[^>]*>/g, " ")
        .replace(/&(amp|lt|gt|quot|nbsp|#39);/g, (_, e: string) => ENTITIES[e] ?? "")
    : raw;
  return normalise(text);
}

/** An article's passages in order with the sentences repeated as overlap taken out again. */
function mergedText(lines: InspectLine[]): string {
  let out = "";
  let previous: InspectLine | undefined;
  for (const line of lines) {
    let k = 0;
    if (previous && previous.heading === line.heading) {
      k = Math.min(previous.text.length, line.text.length - 1);
      while (k > 0 && !previous.text.endsWith(line.text.slice(0, k))) k--;
    }
    out += `\n${line.text.slice(k)}`;
    previous = line;
  }
  return out;
}

let lines: InspectLine[] = [];
let cleanup: () => Promise<void> = async () => {};

beforeAll(async () => {
  const tmp = await tempDir("clean-corpus");
  cleanup = tmp.cleanup;
  const summary = await runIngest(CORPUS, path.join(tmp.dir, "index"));
  expect(summary.skipped).toEqual([]);
  lines = await inspectIndex(path.join(tmp.dir, "index"));
});

afterAll(() => cleanup());

describe("the fixtures", () => {
  it("exist for each of the five articles", () => {
    expect(ARTICLE_FILES).toHaveLength(5);
    for (const file of ARTICLE_FILES) {
      for (const kind of ["noise", "body", "headings"]) {
        expect(
          existsSync(path.join(CLEANING, `${stem(file)}.${kind}.txt`)),
          `${stem(file)}.${kind}.txt`,
        ).toBe(true);
      }
    }
  });

  it.each(ARTICLE_FILES)("quote %s: every snippet occurs in the raw file", (file) => {
    const text = rawText(file);
    const markup = normalise(rawFile(file));
    const missing = [
      ...snippets(stem(file), "noise").filter(
        (s) => !text.includes(normalise(s)) && !markup.includes(normalise(s)),
      ),
      ...[...snippets(stem(file), "body"), ...snippets(stem(file), "headings")].filter(
        (s) => !text.includes(normalise(s)),
      ),
    ];
    expect(missing).toEqual([]);
  });

  it.each(ARTICLE_FILES)("for %s give each body snippet enough characters to be distinctive", (file) => {
    const short = snippets(stem(file), "body").filter((s) => normalise(s).length < 4);
    expect(short).toEqual([]);
  });
});

describe.each(ARTICLE_FILES)("cleaning %s", (file) => {
  const name = stem(file);
  const own = () => lines.filter((l) => l.source === file);

  it("yields passages", () => {
    expect(own().length).toBeGreaterThan(0);
  });

  it("lets none of the page's non-article text reach the index", () => {
    const indexed = normalise(
      own()
        .map((l) => `${l.heading}\n${l.text}`)
        .join("\n"),
    );
    const leaked = snippets(name, "noise").filter((s) => indexed.includes(normalise(s)));
    expect(leaked).toEqual([]);
  });

  it("keeps every paragraph and list item of the article body, each within one passage", () => {
    const passages = own().map((l) => normalise(l.text));
    const lost = snippets(name, "body").filter((s) => !passages.some((p) => p.includes(normalise(s))));
    expect(lost).toEqual([]);
  });

  it("keeps repeated body text as often as the article has it", () => {
    const merged = normalise(mergedText(own()));
    const raw = rawText(file);
    const short = snippets(name, "body")
      .map((s) => ({ s, want: occurrences(raw, normalise(s)), got: occurrences(merged, normalise(s)) }))
      .filter((x) => x.got < x.want);
    expect(short).toEqual([]);
  });

  it("keeps the article's headings as heading paths, and nothing else as a heading", () => {
    const found = new Set(own().flatMap((l) => (l.heading ? l.heading.split(" › ") : []).map(normalise)));
    const expected = new Set(snippets(name, "headings").map(normalise));
    expect([...found].sort()).toEqual([...expected].sort());
  });

  it("never puts the title line or a heading alone into a passage", () => {
    for (const l of own()) {
      expect(normalise(l.text)).not.toBe(normalise(l.title));
      expect(normalise(l.text)).not.toBe(normalise(l.heading.split(" › ").at(-1) ?? "\u0000"));
    }
  });
});

describe("titles and metadata of the five articles", () => {
  // Read from the raw files: front matter, first heading or first line, and the sidecar.
  const expected: Record<string, string> = {
    "llm-open-vs-closed-advantages-and-challenges.html": "大模型开源与闭源优势与挑战",
    "ai-globalization-open-vs-closed-tradeoff.md":
      "【大模型】 基于AI和全球化进程的权衡：开源大模型与闭源大模型",
    "ai-agent-chinese-llm-open-closed-debate.txt": "AI智能体研发之路-模型篇(三):中文大模型开、闭源之争",
    "open-vs-closed-llm-full-comparison.txt": "开源大模型与闭源大模型的全面对比",
    "open-vs-closed-where-to-go-in-the-llm-wave.txt": "开源vs闭源,处在大模型洪流中,向何处去?",
  };

  it("takes each title from front matter, else the first heading or first line", async () => {
    const { articles } = await loadCorpus(CORPUS);
    expect(Object.fromEntries(articles.map((a) => [a.source, a.meta.title]))).toEqual(expected);
    for (const l of lines) expect(l.title).toBe(expected[l.source]);
  });

  it("applies the sidecar's author and date", async () => {
    const { articles } = await loadCorpus(CORPUS);
    const meta = articles.find((a) => a.source === "open-vs-closed-llm-full-comparison.txt")?.meta;
    expect(meta).toMatchObject({ author: "问答酱", date: "2024-11-21" });
  });
});
