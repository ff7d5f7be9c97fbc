import { createHash } from "node:crypto";
import { type Span, splitLongSpan, splitSentences } from "../text/sentences.js";
import type { Article, Chunk } from "../types.js";

export interface ChunkingOptions {
  /** Target passage length in characters. */
  size: number;
  /** Characters of trailing sentences repeated at the start of the next passage of the same section. */
  overlap: number;
}

export const HEADING_SEPARATOR = " › ";

interface Section {
  headingPath: string[];
  sentences: Span[];
}

/** Split the cleaned body (Markdown-style `#` headings, one paragraph or list item per line) into sections of sentences. */
function sections(body: string, maxSentence: number): Section[] {
  const out: Section[] = [];
  const stack: Array<{ level: number; text: string }> = [];
  let current: Section | null = null;
  let offset = 0;
  for (const line of body.split("\n")) {
    const lineStart = offset;
    offset += line.length + 1;
    const heading = /^(#{1,6}) (.*)$/.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 1;
      while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= level) stack.pop();
      stack.push({ level, text: (heading[2] ?? "").trim() });
      current = null;
      continue;
    }
    if (line.trim() === "") continue;
    if (!current) {
      current = { headingPath: stack.map((h) => h.text), sentences: [] };
      out.push(current);
    }
    for (const s of splitSentences(line)) {
      const abs = { start: lineStart + s.start, end: lineStart + s.end };
      current.sentences.push(...splitLongSpan(body, abs, maxSentence));
    }
  }
  return out;
}

export function chunkId(source: string, text: string): string {
  return createHash("sha256").update(`${source}\n${text}`).digest("hex").slice(0, 24);
}

/** The text given to the embedder: title and heading path give a short passage its context. */
export function embeddingText(chunk: Pick<Chunk, "title" | "headingPath" | "text">): string {
  const heading = chunk.headingPath.join(HEADING_SEPARATOR);
  return heading ? `${chunk.title}\n${heading}\n${chunk.text}` : `${chunk.title}\n${chunk.text}`;
}

/**
 * Pack each section's sentences into passages of about `size` characters, repeating up to
 * `overlap` characters of trailing sentences so that a fact split across a boundary is still
 * whole in one passage. Passages never cross a section, so their heading path is exact, and a
 * heading with nothing under it yields no passage.
 */
export function chunkArticle(article: Article, options: ChunkingOptions): Chunk[] {
  const { body } = article;
  const chunks: Chunk[] = [];
  for (const section of sections(body, options.size)) {
    const { sentences } = section;
    let i = 0;
    while (i < sentences.length) {
      const first = sentences[i];
      if (!first) break;
      let j = i;
      while (j + 1 < sentences.length && (sentences[j + 1]?.end ?? 0) - first.start <= options.size) j++;
      const last = sentences[j] ?? first;
      const text = body.slice(first.start, last.end).replace(/\n{2,}/g, "\n");
      chunks.push({
        id: chunkId(article.source, text),
        source: article.source,
        title: article.meta.title,
        ...(article.meta.url ? { url: article.meta.url } : {}),
        headingPath: section.headingPath,
        ordinal: chunks.length,
        start: first.start,
        end: last.end,
        text,
      });
      if (j + 1 >= sentences.length) break;
      // Step back over trailing sentences that fit in the overlap, but always move forward.
      let next = j + 1;
      while (next - 1 > i && last.end - (sentences[next - 1]?.start ?? 0) <= options.overlap) next--;
      // Only as far as the next passage can still take in the sentence that did not fit: one
      // holding nothing but this passage's last sentences would be a duplicate of them.
      const following = sentences[j + 1];
      while (next <= j && following && following.end - (sentences[next]?.start ?? 0) > options.size) next++;
      i = next;
    }
  }
  return chunks;
}
