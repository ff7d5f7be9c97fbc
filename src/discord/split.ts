/**
 * Splitting long answers into message-sized parts. Cuts fall at sentence ends (。！？.!? and
 * newlines) so a part never stops mid-sentence, a citation marker that follows the sentence stays
 * with it, and no cut ever lands inside a `[n]` marker. Only when a single sentence is longer than
 * a part do we fall back to clause punctuation and, last, to a plain cut at a safe position.
 *
 * Invariant (tested): `splitMessage(text, max).join("") === text` and every part is ≤ max.
 */

const SENTENCE_END = new Set(["。", "！", "？", "!", "?", "\n"]);
const CLOSERS = new Set(["”", "’", '"', "'", "」", "』", "）", ")", "】", "》", "〉", "]", "…"]);
const CLAUSE_END = new Set(["，", ",", "；", ";", "：", ":", "、", " ", "\t"]);
/** `[1]`, `[12]`, `[1, 2]`, `[1，2]`: the shapes an answer's citation markers take. */
const MARKER = /\[\d{1,3}(?:\s*[,，]\s*\d{1,3})*\]/y;
const MARKER_GLOBAL = /\[\d{1,3}(?:\s*[,，]\s*\d{1,3})*\]/g;

function markerAt(text: string, i: number): number {
  MARKER.lastIndex = i;
  const m = MARKER.exec(text);
  return m ? m[0].length : 0;
}

function isSentenceEnd(text: string, i: number): boolean {
  const ch = text[i] ?? "";
  if (SENTENCE_END.has(ch)) return true;
  if (ch !== ".") return false;
  // "3.5", "e.g.x" and file names are not sentence ends; ". ", ".\n", end of text and ".中" are.
  const next = text[i + 1];
  return next === undefined || /\s/.test(next) || next.charCodeAt(0) > 0x7f;
}

/** Offsets just after each sentence, including trailing closers, citation markers and whitespace. */
export function sentenceBoundaries(text: string): number[] {
  const cuts: number[] = [];
  let i = 0;
  while (i < text.length) {
    if (!isSentenceEnd(text, i)) {
      i += 1;
      continue;
    }
    let j = i + 1;
    // Absorb "？！", closing quotes and markers glued to the sentence ("…更透明。[1][2]").
    for (;;) {
      const ch = text[j];
      if (ch === undefined) break;
      if (ch !== "\n" && (SENTENCE_END.has(ch) || CLOSERS.has(ch) || ch === ".")) {
        j += 1;
        continue;
      }
      const m = markerAt(text, j);
      if (m > 0) {
        j += m;
        continue;
      }
      break;
    }
    while (j < text.length && /\s/.test(text[j] ?? "")) j += 1;
    if (j < text.length) cuts.push(j);
    i = j;
  }
  return cuts;
}

function clauseBoundaries(text: string): number[] {
  const cuts: number[] = [];
  for (let i = 0; i < text.length - 1; i += 1) {
    if (CLAUSE_END.has(text[i] ?? "")) cuts.push(i + 1);
  }
  return cuts;
}

/** Ranges covered by citation markers: no cut may fall strictly inside one. */
function markerSpans(text: string): Array<[number, number]> {
  return [...text.matchAll(MARKER_GLOBAL)].map((m) => [m.index, m.index + m[0].length]);
}

export function isSafeCut(text: string, pos: number, spans = markerSpans(text)): boolean {
  if (pos <= 0 || pos >= text.length) return true;
  const code = text.charCodeAt(pos - 1);
  if (code >= 0xd800 && code <= 0xdbff) return false;
  return !spans.some(([s, e]) => s < pos && pos < e);
}

function piecesAt(text: string, cuts: number[]): string[] {
  const out: string[] = [];
  let start = 0;
  for (const c of cuts) {
    if (c > start && c < text.length) {
      out.push(text.slice(start, c));
      start = c;
    }
  }
  out.push(text.slice(start));
  return out.filter((p) => p.length > 0);
}

function hardCut(text: string, max: number): string[] {
  const spans = markerSpans(text);
  const out: string[] = [];
  let start = 0;
  while (text.length - start > max) {
    let cut = start + max;
    while (cut > start + 1 && !isSafeCut(text, cut, spans)) cut -= 1;
    out.push(text.slice(start, cut));
    start = cut;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** Greedy packing of pieces into parts ≤ max; a piece too big on its own is refined by `refine`. */
function pack(pieces: string[], max: number, refine: (piece: string) => string[]): string[] {
  const parts: string[] = [];
  let current = "";
  for (const piece of pieces) {
    if (piece.length > max) {
      if (current) parts.push(current);
      current = "";
      const sub = refine(piece);
      // The last sub-piece may still share a part with what follows.
      for (let k = 0; k < sub.length - 1; k += 1) parts.push(sub[k] ?? "");
      current = sub[sub.length - 1] ?? "";
      continue;
    }
    if (current.length + piece.length > max) {
      parts.push(current);
      current = piece;
    } else {
      current += piece;
    }
  }
  if (current) parts.push(current);
  return parts;
}

/** Splits `text` into parts of at most `max` characters, preferring sentence ends. */
export function splitMessage(text: string, max: number): string[] {
  if (max < 1) throw new RangeError("max must be positive");
  if (text.length <= max) return text.length > 0 ? [text] : [];
  const spans = markerSpans(text);
  const safe = (t: string) => (c: number) => isSafeCut(t, c, t === text ? spans : markerSpans(t));
  const byClause = (piece: string) =>
    pack(piecesAt(piece, clauseBoundaries(piece).filter(safe(piece))), max, (p) => hardCut(p, max));
  return pack(piecesAt(text, sentenceBoundaries(text).filter(safe(text))), max, byClause);
}
