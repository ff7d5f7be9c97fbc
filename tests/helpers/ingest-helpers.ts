/**
 * Shared by the ingestion tests: text normalisation for snippet comparisons, temporary
 * directories, a logger that records its lines, an embedder that counts what it is given, a
 * generator of synthetic Chinese articles, and the `inspect --json` view of an index.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { HEADING_SEPARATOR } from "../../src/chunk/chunker.js";
import { BuiltinEmbeddings } from "../../src/embed/builtin.js";
import type { IndexEmbeddings } from "../../src/embed/types.js";
import { type IngestOptions, type IngestSummary, ingest } from "../../src/ingest/pipeline.js";
import type { Logger } from "../../src/logger.js";
import { readCurrentBuildId } from "../../src/store/build.js";
import { loadIndex } from "../../src/store/load.js";
import { sharedTokenizer } from "../../src/text/tokenizer.js";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const CORPUS = path.join(REPO, "corpus");
export const FIXTURES = path.join(REPO, "tests", "fixtures");

/** NFKC, lower-case, whitespace, punctuation and symbols removed: how snippets are compared. */
export function normalise(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, "");
}

/** Non-overlapping occurrences of `needle` in `haystack`. */
export function occurrences(haystack: string, needle: string): number {
  if (needle === "") return 0;
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface RecordingLogger {
  logger: Logger;
  lines: Array<{ level: number; msg: string }>;
  warnings: () => string[];
}

/** A real pino logger whose output is kept in memory, one parsed JSON object per line. */
export function recordingLogger(): RecordingLogger {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino(
    { level: "debug", base: undefined },
    {
      write(chunk: string) {
        for (const line of chunk.split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      },
    },
  );
  return { logger, lines, warnings: () => lines.filter((l) => l.level === 40).map((l) => l.msg) };
}

/** The builtin embedder, with every text handed to embedDocuments recorded. */
export class CountingEmbeddings implements IndexEmbeddings {
  readonly texts: string[] = [];
  constructor(private readonly inner: IndexEmbeddings = new BuiltinEmbeddings(sharedTokenizer())) {}
  get id(): string {
    return this.inner.id;
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    this.texts.push(...texts);
    return this.inner.embedDocuments(texts);
  }
  embedQuery(text: string): Promise<number[]> {
    return this.inner.embedQuery(text);
  }
  reset(): void {
    this.texts.length = 0;
  }
}

export function runIngest(
  corpusDir: string,
  indexDir: string,
  extra: Partial<IngestOptions> = {},
): Promise<IngestSummary> {
  return ingest({
    corpusDir,
    indexDir,
    chunking: { size: 400, overlap: 80 },
    embeddings: new BuiltinEmbeddings(sharedTokenizer()),
    tokenizer: sharedTokenizer(),
    logger: recordingLogger().logger,
    ...extra,
  });
}

export interface InspectLine {
  id: string;
  source: string;
  title: string;
  heading: string;
  kind: string;
  text: string;
}

/** What `npm run inspect -- --json` prints for the current build, as objects. */
export async function inspectIndex(indexDir: string): Promise<InspectLine[]> {
  const buildId = await readCurrentBuildId(indexDir);
  if (!buildId) throw new Error(`no CURRENT in ${indexDir}`);
  const index = await loadIndex(indexDir, buildId, { ef: 64 });
  return index.chunks.map((c) => ({
    id: c.id,
    source: c.source,
    title: c.title,
    heading: c.headingPath.join(HEADING_SEPARATOR),
    kind: c.kind ?? "text",
    text: c.text,
  }));
}

/** A small deterministic PRNG (mulberry32), so generated corpora are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBJECTS = [
  "开源社区",
  "闭源厂商",
  "研究机构",
  "初创企业",
  "开发者",
  "云服务商",
  "监管部门",
  "高校团队",
  "硬件厂商",
  "内容平台",
];
const VERBS = [
  "推动了",
  "限制了",
  "改变了",
  "加速了",
  "重新定义了",
  "影响了",
  "促进了",
  "挑战了",
  "降低了",
  "提高了",
];
const OBJECTS = [
  "模型训练的成本",
  "推理服务的价格",
  "数据治理的方式",
  "算法透明度的标准",
  "行业协作的节奏",
  "商业授权的模式",
  "安全评估的流程",
  "人才培养的路径",
  "生态系统的边界",
  "技术迭代的速度",
];
const TAILS = [
  "，这一点在过去一年尤为明显。",
  "，但也带来了新的风险。",
  "，各方对此看法不一。",
  "，值得长期观察。",
  "，并引发了广泛讨论。",
];
const HEADINGS = ["背景", "现状分析", "主要挑战", "技术路线", "商业影响", "未来展望", "案例研究", "政策环境"];
const CN = ["一", "二", "三", "四", "五", "六", "七", "八"];

/** One synthetic plain-text article: a title line, numbered Chinese headings, paragraphs of sentences. */
export function syntheticArticle(
  n: number,
  options: { sections?: number; paragraphs?: number } = {},
): string {
  const rand = prng(n + 1);
  const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)] as T;
  const lines = [`关于${pick(SUBJECTS)}与${pick(OBJECTS)}的第${n}篇观察`, ""];
  const sections = options.sections ?? 4;
  for (let s = 0; s < sections; s++) {
    lines.push(`${CN[s % CN.length]}、${pick(HEADINGS)}`, "");
    for (let p = 0; p < (options.paragraphs ?? 3); p++) {
      const sentences = Array.from(
        { length: 3 + Math.floor(rand() * 3) },
        () => `${pick(SUBJECTS)}${pick(VERBS)}${pick(OBJECTS)}${pick(TAILS)}`,
      );
      lines.push(`第${n}篇第${s + 1}节第${p + 1}段：${sentences.join("")}`, "");
    }
  }
  return lines.join("\n");
}
