import type { AskResult } from "../types.js";

function quote(text: string, max = 160): string {
  const oneLine = text.replace(/\s*\n\s*/g, " ").trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** An answer for a terminal: the text, then each source with where to find it and what it says. */
export function renderAnswerText(result: AskResult): string {
  const lines: string[] = [];
  if (result.notice) lines.push(`(${result.notice})`, "");
  lines.push(result.answer);
  if (result.citations.length > 0) {
    lines.push("", result.language === "zh" ? "来源：" : "Sources:");
    for (const c of result.citations) {
      lines.push(`[${c.n}] ${c.title}${c.heading ? ` › ${c.heading}` : ""}`);
      lines.push(`    ${c.source}${c.url ? `  ${c.url}` : ""}`);
      lines.push(`    “${quote(c.text)}”`);
    }
  }
  lines.push("", `(${result.providers.embeddings} + ${result.providers.chat}, ${result.timings.totalMs} ms)`);
  return lines.join("\n");
}
