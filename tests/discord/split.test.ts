import { describe, expect, it } from "vitest";
import { isSafeCut, sentenceBoundaries, splitMessage } from "../../src/discord/split.js";

const MARKER = /\[\d{1,3}(?:\s*[,，]\s*\d{1,3})*\]/g;

/** Offsets where the parts meet. */
function cuts(parts: string[]): number[] {
  const out: number[] = [];
  let n = 0;
  for (const p of parts.slice(0, -1)) {
    n += p.length;
    out.push(n);
  }
  return out;
}

function insideMarker(text: string, pos: number): boolean {
  return [...text.matchAll(MARKER)].some((m) => m.index < pos && pos < m.index + m[0].length);
}

const CHINESE =
  "开源大模型的代码和算法是公开的，用户可以了解模型的工作原理[1]。社区参与让创新更快[2][3]！" +
  "闭源模型呢？它们通常由公司维护，内部细节保密[4]。\n\n" +
  "Open models are cheaper to run [5]. Closed models may be more polished [6, 7]! Which one wins? It depends [8].\n" +
  "最后，选择取决于数据隐私、成本和定制需求[1][2]。";

describe("splitMessage", () => {
  it("keeps short text whole and drops empty text", () => {
    expect(splitMessage("短。", 10)).toEqual(["短。"]);
    expect(splitMessage("", 10)).toEqual([]);
  });

  it("loses nothing, respects the limit, and never cuts inside a [n] marker, for every limit", () => {
    const text = CHINESE.repeat(3);
    for (let max = 8; max <= 260; max += 3) {
      const parts = splitMessage(text, max);
      expect(parts.join("")).toBe(text);
      for (const p of parts) expect(p.length).toBeLessThanOrEqual(max);
      for (const c of cuts(parts)) expect(insideMarker(text, c), `max=${max} cut=${c}`).toBe(false);
    }
  });

  it("cuts at sentence ends when sentences fit, keeping markers after the full stop with their sentence", () => {
    const text = "第一句话讲开源。[1]第二句话讲闭源！[2][3]第三句？";
    const parts = splitMessage(text, 14);
    expect(parts).toEqual(["第一句话讲开源。[1]", "第二句话讲闭源！[2][3]", "第三句？"]);
  });

  it("cuts at a newline and at '. ' but not inside numbers like 3.5", () => {
    const text = "GPT-3.5 is closed. Llama is open.\nQwen2.5 is open too.";
    expect(sentenceBoundaries(text)).toEqual([19, 34]);
    const parts = splitMessage(text, 25);
    expect(parts.join("")).toBe(text);
    expect(parts[0]).toBe("GPT-3.5 is closed. ");
  });

  it("falls back to clauses, then to plain cuts, for a sentence longer than a part", () => {
    const clauses = "开源模型透明，成本低，社区活跃，迭代快，适合研究，也适合企业私有部署[1]。";
    const parts = splitMessage(clauses, 12);
    expect(parts.join("")).toBe(clauses);
    expect(parts[0]).toBe("开源模型透明，成本低，");
    const noBreaks = `${"很".repeat(30)}[12]${"长".repeat(30)}`;
    const hard = splitMessage(noBreaks, 31);
    expect(hard.join("")).toBe(noBreaks);
    for (const c of cuts(hard)) expect(insideMarker(noBreaks, c)).toBe(false);
    for (const p of hard) expect(p.length).toBeLessThanOrEqual(31);
  });

  it("never splits a surrogate pair", () => {
    const text = "😀".repeat(50);
    const parts = splitMessage(text, 7);
    expect(parts.join("")).toBe(text);
    for (const p of parts) expect(p).toMatch(/^(?:😀)+$/u);
    expect(isSafeCut("a😀b", 2)).toBe(false);
  });
});
