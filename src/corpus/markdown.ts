import { type Block, blocksFromPlainLines, headingLevelOf } from "./blocks.js";

/** Inline Markdown → plain text: links keep their words, images and emphasis marks go. */
export function stripInlineMarkdown(text: string): string {
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/(\*\*|__)(.*?)\1/g, "$2")
    .replace(/(^|[^*\w])\*(?!\s)([^*]+?)\*(?!\w)/g, "$1$2")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/~~(.*?)~~/g, "$1")
    .trim();
}

/**
 * Markdown → blocks. ATX headings keep their level; a line that is bold and nothing else is
 * read as a sub-heading when it is shaped like one (blog editors use **简介** that way).
 */
export function markdownToBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split(/\r?\n/);
  let inFence = false;
  const pending: string[] = [];
  const flushPending = (following = "") => {
    if (pending.length > 0) blocks.push(...blocksFromPlainLines(pending.splice(0), following));
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    if (/^\s*(```|~~~)/.test(raw)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) {
      if (raw.trim()) blocks.push({ kind: "para", text: raw.trim() });
      continue;
    }
    const atx = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(raw);
    if (atx) {
      flushPending();
      const text = stripInlineMarkdown(atx[2] ?? "");
      if (text) blocks.push({ kind: "heading", level: atx[1]?.length ?? 1, text });
      continue;
    }
    if (/^\s*([-*_]\s*){3,}$/.test(raw)) continue; // thematic break
    const boldOnly = /^\s*(\*\*|__)([^*_]+)\1\s*[:：]?\s*$/.exec(raw);
    if (boldOnly) {
      const text = (boldOnly[2] ?? "").trim();
      const level = headingLevelOf(text, { allowUnnumbered: true });
      if (level !== null) {
        flushPending();
        blocks.push({ kind: "heading", level, text });
        continue;
      }
    }
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(raw);
    if (item) {
      flushPending("- ");
      const numbered = /^\s*(\d+[.)])\s/.exec(raw)?.[1];
      const text = stripInlineMarkdown(item[1] ?? "");
      if (text)
        blocks.push({ kind: "item", text: numbered ? `${numbered.replace(")", ".")} ${text}` : text });
      continue;
    }
    if (/^\s*\|.*\|\s*$/.test(raw)) {
      if (/^\s*\|?\s*:?-{2,}/.test(raw)) continue; // table separator row
      flushPending();
      const cells = raw
        .trim()
        .replace(/^\||\|$/g, "")
        .split("|")
        .map((c) => stripInlineMarkdown(c.trim()));
      blocks.push({ kind: "para", text: cells.filter(Boolean).join(" | ") });
      continue;
    }
    pending.push(stripInlineMarkdown(raw.replace(/^\s*>\s?/, "")));
  }
  flushPending();
  return blocks;
}
