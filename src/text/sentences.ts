/**
 * Sentence splitting for mixed Chinese/English text, in stages (sentence → clause → characters)
 * so that no piece exceeds the size it will be packed into.
 */
export interface Span {
  start: number;
  end: number;
}

const CLOSERS = "”’」』）)】》\"'";
const STRONG_END = "。！？；!?;";

/** Sentence spans within `text` (offsets relative to it), whitespace trimmed off each span. */
export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  const push = (end: number) => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s] ?? "")) s++;
    while (e > s && /\s/.test(text[e - 1] ?? "")) e--;
    if (e > s) spans.push({ start: s, end: e });
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? "";
    let boundary = false;
    if (STRONG_END.includes(ch) || ch === "…") {
      while (i + 1 < text.length && (STRONG_END.includes(text[i + 1] ?? "") || text[i + 1] === "…")) i++;
      boundary = true;
    } else if (
      ch === "." &&
      /[A-Za-z)\]]/.test(text[i - 1] ?? "") &&
      (i + 1 === text.length || /\s/.test(text[i + 1] ?? ""))
    ) {
      boundary = true;
    } else if (ch === "\n") {
      boundary = true;
    }
    if (boundary) {
      while (i + 1 < text.length && CLOSERS.includes(text[i + 1] ?? "")) i++;
      push(i + 1);
    }
  }
  push(text.length);
  return spans;
}

/** Break one over-long span at clause punctuation, then at the size limit. */
export function splitLongSpan(text: string, span: Span, maxChars: number): Span[] {
  if (span.end - span.start <= maxChars) return [span];
  const out: Span[] = [];
  let start = span.start;
  while (span.end - start > maxChars) {
    const window = text.slice(start, start + maxChars);
    let cut = -1;
    for (let i = window.length - 1; i > maxChars / 3; i--) {
      if ("，,：:、".includes(window[i] ?? "")) {
        cut = i + 1;
        break;
      }
    }
    if (cut === -1) cut = maxChars;
    out.push({ start, end: start + cut });
    start += cut;
  }
  if (start < span.end) out.push({ start, end: span.end });
  return out;
}
