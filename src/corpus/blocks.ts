/**
 * Every format is reduced to the same small block model before cleaning, so the boilerplate
 * rules are written once and apply to HTML, Markdown and plain text alike.
 */
export type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "para"; text: string }
  | { kind: "item"; text: string };

/** Punctuation that a real heading almost never contains but a sentence or a link title does. */
const SENTENCE_PUNCT = /[，。！？；：:,!?;、…“”"《》]/;
const CN_NUM = "[一二三四五六七八九十百]+";
const CJK = /[\u3400-\u9fff]/;

export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

/**
 * Recognise a heading written as plain text ("一、引言", "2.3 业务拓展", "第二章 …", or a short
 * label line) and give it a level that reflects its numbering depth.
 */
export function headingLevelOf(text: string, options: { allowUnnumbered: boolean }): number | null {
  const t = text.trim();
  if (t.length === 0 || t.length > 40) return null;
  if (new RegExp(`^${CN_NUM}\\s*[、.．:：]\\s*\\S`).test(t) && !/[。！？]$/.test(t)) return 2;
  if (new RegExp(`^第[${CN_NUM.slice(1, -2)}\\d]+[章节部分篇]`).test(t)) return 2;
  const dotted = /^(\d+(?:\.\d+)+)\.?\s*[^\d\s.]/.exec(t);
  if (dotted?.[1] && !SENTENCE_PUNCT.test(t.slice(dotted[1].length))) return 1 + dotted[1].split(".").length;
  if (
    /^\d+\s*[.、．]\s*\S/.test(t) &&
    t.length <= 20 &&
    !SENTENCE_PUNCT.test(t.replace(/^\d+\s*[.、．]/, ""))
  )
    return 4;
  if (options.allowUnnumbered && t.length <= 24 && !SENTENCE_PUNCT.test(t) && !/[.。]$/.test(t)) return 5;
  return null;
}

const BULLET = /^\s*(?:[•·●▪◦○■□\-*+–]|\d+[.)、](?=\s))\s+/;

export function stripBullet(text: string): string {
  return text.replace(BULLET, "").trim();
}

export function isBulleted(text: string): boolean {
  return BULLET.test(text);
}

/** Turn lines of plain text into blocks: bullets become items, heading-shaped short lines headings. */
export function blocksFromPlainLines(lines: string[], following = ""): Block[] {
  const blocks: Block[] = [];
  const cleaned = lines.map((l) => l.replace(/\u00a0/g, " ").trim());
  for (let i = 0; i < cleaned.length; i++) {
    const line = cleaned[i] ?? "";
    if (line === "") continue;
    if (/^\s*[•·●▪◦○■□\-–]\s+/.test(line)) {
      blocks.push({ kind: "item", text: stripBullet(line) });
      continue;
    }
    // An unnumbered short line is a heading only when real content follows it.
    const next = cleaned.slice(i + 1).find((l) => l !== "") ?? following;
    const level = headingLevelOf(line, {
      allowUnnumbered: next.length > line.length + 10 || isBulleted(next),
    });
    if (level !== null) blocks.push({ kind: "heading", level, text: line });
    else blocks.push({ kind: "para", text: line });
  }
  return blocks;
}

export function blocksToBody(blocks: Block[]): string {
  return blocks
    .map((b) => {
      if (b.kind === "heading") return `${"#".repeat(b.level)} ${b.text}`;
      if (b.kind === "item" && !/^\d+[.、]/.test(b.text)) return `- ${b.text}`;
      return b.text;
    })
    .join("\n\n");
}
