import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type ChunkingOptions, chunkArticle } from "../src/chunk/chunker.js";
import { parseArticle } from "../src/corpus/load.js";
import { createRng, type Rng } from "./prng.js";
import { DOMAIN_WORDS, loadVocabulary, MODEL_NAMES, type Vocabulary } from "./vocabulary.js";

/**
 * A deterministic synthetic corpus of Chinese-like articles shaped like the real ones: a title,
 * numbered headings (一、… / 1.1 … / ##), paragraphs of 15–60-character sentences, bullet lists,
 * words drawn from jieba's dictionary by frequency with the debate's terms and model names mixed
 * in. Articles are written as .md, .txt and .html files; generation stops once the real
 * load → clean → chunk pipeline counts the requested number of passages.
 */
export interface CorpusSpec {
  dir: string;
  /** Passages to produce (the last article may overshoot by a few dozen). */
  passages: number;
  seed: number;
  chunking: ChunkingOptions;
}

export interface GeneratedCorpus {
  dir: string;
  articles: number;
  /** As the ingest pipeline will count them. */
  passages: number;
  /** Characters of article text written. */
  characters: number;
  ms: number;
}

const CN_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];
const UNITS = ["年", "亿", "万", "个", "%", "倍", "项", "种"];
const CLAUSE_JOIN = ["，", "，", "，", "、", "："];
const SENTENCE_END = ["。", "。", "。", "。", "。", "。", "。", "！", "？", "；"];
const TITLE_SUBJECTS = ["开源与闭源大模型", "开源大模型", "闭源大模型", "大模型", "开闭源之争", "人工智能"];
const TITLE_KINDS = ["分析", "探讨", "对比", "研究", "思考", "综述", "展望", "实践"];
const FILES_PER_FOLDER = 1000;

/**
 * Words are bursty in real text: an article keeps returning to its own topic words, a section to
 * its own. Each article draws a topic vocabulary, each section a smaller one; a share of every
 * passage's words comes from them (earlier topic words more often). Without this, every passage
 * would be an independent bag of dictionary words, unlike any real corpus.
 */
const ARTICLE_TOPIC_WORDS = 30;
const SECTION_TOPIC_WORDS = 8;

class Writer {
  private articleTopic: string[] = [];
  private sectionTopic: string[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly vocab: Vocabulary,
  ) {}

  private topicWords(n: number): string[] {
    return Array.from({ length: n }, () => this.vocab.contentWord(this.rng));
  }

  startArticle(): void {
    this.articleTopic = this.topicWords(ARTICLE_TOPIC_WORDS);
    this.sectionTopic = [];
  }

  startSection(): void {
    this.sectionTopic = this.topicWords(SECTION_TOPIC_WORDS);
  }

  /** A topic word, the first ones of the list more often (squared uniform index). */
  private fromTopic(words: string[]): string {
    return words[Math.floor(this.rng.next() ** 2 * words.length)] ?? this.vocab.word(this.rng);
  }

  private token(): string {
    const r = this.rng.next();
    if (r < 0.08) return this.rng.pick(DOMAIN_WORDS);
    if (r < 0.09) return ` ${this.rng.pick(MODEL_NAMES)} `;
    if (r < 0.095) return `${this.rng.int(2, 2024)}${this.rng.pick(UNITS)}`;
    if (r < 0.235 && this.articleTopic.length > 0) return this.fromTopic(this.articleTopic);
    if (r < 0.305 && this.sectionTopic.length > 0) return this.fromTopic(this.sectionTopic);
    return this.vocab.word(this.rng);
  }

  private clause(): string {
    const words = this.rng.int(3, 9);
    let out = "";
    for (let i = 0; i < words; i++) out += this.token();
    return out.replace(/\s+/g, " ").trim();
  }

  sentence(): string {
    const clauses = this.rng.int(1, 3);
    const parts: string[] = [];
    for (let i = 0; i < clauses; i++) parts.push(this.clause());
    let text = parts[0] ?? "";
    for (let i = 1; i < parts.length; i++) text += this.rng.pick(CLAUSE_JOIN) + parts[i];
    return text + this.rng.pick(SENTENCE_END);
  }

  paragraph(): string {
    const n = this.rng.int(1, 5);
    let out = "";
    for (let i = 0; i < n; i++) out += this.sentence();
    return out;
  }

  /** Short, no sentence punctuation: how real headings look, and what the cleaner recognises. */
  headingText(): string {
    const v = this.vocab;
    const forms = [
      () => `${this.rng.pick(DOMAIN_WORDS)}的${v.contentWord(this.rng)}`,
      () => `${v.contentWord(this.rng)}与${v.contentWord(this.rng)}`,
      () => `${v.contentWord(this.rng)}${v.contentWord(this.rng)}`,
      () => `${this.rng.pick(["开源", "闭源"])}${v.contentWord(this.rng)}`,
    ];
    return this.rng.pick(forms)();
  }

  title(): string {
    return `${this.rng.pick(TITLE_SUBJECTS)}${this.vocab.contentWord(this.rng)}的${this.rng.pick(TITLE_KINDS)}`;
  }
}

interface Section {
  heading: string;
  level: 2 | 3;
  blocks: Array<{ kind: "para"; text: string } | { kind: "list"; items: string[] }>;
}

function sectionsOf(w: Writer, rng: Rng): Section[] {
  const out: Section[] = [];
  const body = (): Section["blocks"] => {
    const blocks: Section["blocks"] = [];
    const n = rng.int(1, 4);
    for (let i = 0; i < n; i++) {
      if (rng.chance(0.12)) {
        const items: string[] = [];
        for (let j = rng.int(2, 5); j > 0; j--) items.push(w.sentence());
        blocks.push({ kind: "list", items });
      } else blocks.push({ kind: "para", text: w.paragraph() });
    }
    return blocks;
  };
  const top = rng.int(3, 9);
  for (let s = 0; s < top; s++) {
    w.startSection();
    out.push({ heading: `${CN_NUMERALS[s] ?? String(s + 1)}、${w.headingText()}`, level: 2, blocks: body() });
    const subs = rng.chance(0.5) ? rng.int(1, 3) : 0;
    for (let t = 0; t < subs; t++) {
      w.startSection();
      out.push({ heading: `${s + 1}.${t + 1} ${w.headingText()}`, level: 3, blocks: body() });
    }
  }
  return out;
}

function render(format: "md" | "txt" | "html", title: string, intro: string, sections: Section[]): string {
  const lines: string[] = [];
  if (format === "md") {
    lines.push(`# ${title}`, "", intro, "");
    for (const s of sections) {
      // Markdown articles mix numbered and plain headings.
      const heading = s.heading.length % 3 === 0 ? s.heading.replace(/^[^、 ]+[、 ]\s*/, "") : s.heading;
      lines.push(`${"#".repeat(s.level)} ${heading}`, "");
      for (const b of s.blocks) {
        if (b.kind === "para") lines.push(b.text, "");
        else lines.push(...b.items.map((i) => `- ${i}`), "");
      }
    }
  } else if (format === "txt") {
    lines.push(title, "", intro, "");
    for (const s of sections) {
      lines.push(s.heading, "");
      for (const b of s.blocks) {
        if (b.kind === "para") lines.push(b.text, "");
        else lines.push(...b.items.map((i) => `• ${i}`), "");
      }
    }
  } else {
    const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    lines.push(
      "<!DOCTYPE html>",
      `<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>`,
      "<article>",
      `<h1>${esc(title)}</h1>`,
      `<p>${esc(intro)}</p>`,
    );
    for (const s of sections) {
      lines.push(`<h${s.level}>${esc(s.heading)}</h${s.level}>`);
      for (const b of s.blocks) {
        if (b.kind === "para") lines.push(`<p>${esc(b.text)}</p>`);
        else lines.push(`<ul>${b.items.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>`);
      }
    }
    lines.push("</article>", "</body></html>");
  }
  return `${lines.join("\n")}\n`;
}

export async function generateCorpus(spec: CorpusSpec): Promise<GeneratedCorpus> {
  const started = performance.now();
  const vocab = loadVocabulary();
  const rng = createRng(spec.seed).fork("corpus");
  const w = new Writer(rng, vocab);
  let passages = 0;
  let articles = 0;
  let characters = 0;
  while (passages < spec.passages) {
    const r = rng.next();
    const format = r < 0.45 ? "md" : r < 0.85 ? "txt" : "html";
    w.startArticle();
    const text = render(format, w.title(), w.paragraph(), sectionsOf(w, rng));
    const folder = `part-${String(Math.floor(articles / FILES_PER_FOLDER)).padStart(3, "0")}`;
    const source = `${folder}/article-${String(articles).padStart(6, "0")}.${format}`;
    const bytes = Buffer.from(text, "utf8");
    // Count passages as ingest will: the real parser, cleaner and chunker.
    const article = parseArticle(source, bytes);
    passages += chunkArticle(article, spec.chunking).length;
    const file = path.join(spec.dir, source);
    if (articles % FILES_PER_FOLDER === 0) await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    articles++;
    characters += text.length;
  }
  return { dir: spec.dir, articles, passages, characters, ms: performance.now() - started };
}
