import { describe, expect, it } from "vitest";
import { type Span, splitLongSpan, splitSentences } from "../../src/text/sentences.js";

const pieces = (text: string, spans: Span[]) => spans.map((s) => text.slice(s.start, s.end));
const sentences = (text: string) => pieces(text, splitSentences(text));

describe("splitSentences", () => {
  it("splits Chinese text after 。！？；", () => {
    expect(sentences("开源模型免费。闭源模型收费！你怎么看？各有利弊；视情况而定")).toEqual([
      "开源模型免费。",
      "闭源模型收费！",
      "你怎么看？",
      "各有利弊；",
      "视情况而定",
    ]);
  });

  it("keeps closing quotes and brackets with the sentence they close", () => {
    expect(sentences("他说：“我坐着看。”然后笑了。（见上文。）下一句》还有「引号！」结束")).toEqual([
      "他说：“我坐着看。”",
      "然后笑了。",
      "（见上文。）",
      "下一句》还有「引号！」",
      "结束",
    ]);
  });

  it("treats an ellipsis and runs of end marks as one boundary", () => {
    expect(sentences("等等……后来呢？！没有了…完")).toEqual(["等等……", "后来呢？！", "没有了…", "完"]);
  });

  it("splits English after . ! ? followed by a space, but not inside numbers, versions or words", () => {
    expect(sentences("GPT-3.5 is closed. LLaMA is open! Which is better? It depends")).toEqual([
      "GPT-3.5 is closed.",
      "LLaMA is open!",
      "Which is better?",
      "It depends",
    ]);
    expect(sentences("参数量约为 1.75 千亿，版本 v2.1.3 已发布。")).toEqual([
      "参数量约为 1.75 千亿，版本 v2.1.3 已发布。",
    ]);
  });

  it("treats a line break as a boundary and trims whitespace off each span", () => {
    const text = "  第一行没有句号\n   第二行。  ";
    const spans = splitSentences(text);
    expect(pieces(text, spans)).toEqual(["第一行没有句号", "第二行。"]);
    for (const s of spans) expect(text.slice(s.start, s.end)).toBe(text.slice(s.start, s.end).trim());
  });

  it("gives spans in order that never overlap and cover every non-space character", () => {
    const text = "一句。两句！“三句？”\nEnglish here. And more…最后";
    const spans = splitSentences(text);
    let covered = "";
    for (const [k, s] of spans.entries()) {
      if (k > 0) expect(s.start).toBeGreaterThanOrEqual(spans[k - 1]?.end ?? 0);
      covered += text.slice(s.start, s.end);
    }
    expect(covered.replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
  });

  it("returns nothing for blank text", () => {
    expect(splitSentences("   \n ")).toEqual([]);
  });
});

describe("splitLongSpan", () => {
  it("returns a span that fits unchanged", () => {
    expect(splitLongSpan("短句。", { start: 0, end: 3 }, 10)).toEqual([{ start: 0, end: 3 }]);
  });

  it("breaks an over-long sentence after clause punctuation, each piece within the limit", () => {
    const text = `${"开源模型的优势在于透明".repeat(3)}，${"闭源模型的优势在于服务".repeat(3)}，${"两者各有取舍".repeat(3)}。`;
    const spans = splitLongSpan(text, { start: 0, end: text.length }, 40);
    expect(spans.length).toBeGreaterThan(1);
    for (const s of spans) expect(s.end - s.start).toBeLessThanOrEqual(40);
    expect(pieces(text, spans).join("")).toBe(text);
    expect(pieces(text, spans)[0]?.endsWith("，")).toBe(true);
  });

  it("cuts at the limit when there is no punctuation to break at", () => {
    const text = "字".repeat(95);
    const spans = splitLongSpan(text, { start: 0, end: 95 }, 30);
    expect(spans).toEqual([
      { start: 0, end: 30 },
      { start: 30, end: 60 },
      { start: 60, end: 90 },
      { start: 90, end: 95 },
    ]);
  });
});
