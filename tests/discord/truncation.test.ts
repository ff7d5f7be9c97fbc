/**
 * An answer too long for Discord is cut, and says so where the reader stops, in the question's
 * language; "Show passages" still lists every cited source (issue 14).
 */
import { describe, expect, it } from "vitest";
import { MESSAGES } from "../../src/chat/i18n.js";
import { LIMITS } from "../../src/discord/limits.js";
import { renderAnswer, renderPassagePages, renderPassages } from "../../src/discord/render.js";
import type { Citation } from "../../src/types.js";
import { SAMPLE_CITATIONS, sampleResult } from "../fakes/answerer.js";
import { messageProblems } from "../fakes/discord/server.js";

function sentences(chars: number, sentence: string): string {
  let s = "";
  while (s.length < chars) s += sentence;
  return s;
}

const ZH = sentences(
  40_000,
  "开源大模型的代码公开，任何人都可以检查和改进[1]。闭源大模型提供稳定的商业支持[2]！\n",
);
const EN = sentences(
  40_000,
  "Open models can be self-hosted, which helps with data privacy [1]. Closed ones are supported [2]. ",
);

function manyCitations(n: number): Citation[] {
  return Array.from({ length: n }, (_, i) => ({
    ...(SAMPLE_CITATIONS[i % 2] as Citation),
    n: i + 1,
    id: `c-${i + 1}`,
    heading: `小节 ${i + 1}`,
    text: `第 ${i + 1} 段：${"内容".repeat(150)}`,
  }));
}

const render = (question: string, answer: string, citations = SAMPLE_CITATIONS) =>
  renderAnswer({
    question,
    result: sampleResult(question, { answer, citations }),
    answerId: "1",
    elapsedMs: 1,
  });

describe("a cut answer", () => {
  it("ends with a visible note in Chinese for a Chinese question, within Discord's limits", () => {
    const msgs = render("开源和闭源哪个好？", ZH);
    for (const m of msgs) expect(messageProblems(m as unknown as Record<string, unknown>)).toEqual([]);
    const last = msgs.at(-1)?.embeds[0]?.description ?? "";
    expect(last.endsWith(`…\n\n${MESSAGES.zh.answerCut}`)).toBe(true);
    expect(MESSAGES.zh.answerCut).toContain(MESSAGES.zh.showPassages);
    // The note appears once, at the end, and the text before it stops at a sentence end.
    const shown = msgs.map((m) => m.embeds[0]?.description ?? "").join("\n");
    expect(shown.split(MESSAGES.zh.answerCut)).toHaveLength(2);
    expect(last.slice(0, -`…\n\n${MESSAGES.zh.answerCut}`.length)).toMatch(/[。！？\]]$/);
  });

  it("ends with the note in English for an English question", () => {
    const msgs = render("Which is better, open or closed?", EN);
    for (const m of msgs) expect(messageProblems(m as unknown as Record<string, unknown>)).toEqual([]);
    expect(msgs.at(-1)?.embeds[0]?.description?.endsWith(MESSAGES.en.answerCut)).toBe(true);
    expect(MESSAGES.en.answerCut).toContain(MESSAGES.en.showPassages);
  });

  it("keeps the sources, the footer and an enabled Show passages button under the cut part", () => {
    const msgs = render("开源和闭源哪个好？", ZH, manyCitations(14));
    const last = msgs.at(-1);
    expect(last?.embeds[0]?.fields?.[0]?.value).toMatch(/^\[1\] /);
    expect(last?.embeds[0]?.footer?.text).toMatch(/\d+\/\d+$/);
    const button = last?.components[0]?.components[0];
    expect(button && "disabled" in button ? button.disabled : undefined).toBe(false);
  });

  it("an answer that fits carries no note", () => {
    for (const answer of [ZH.slice(0, 3000), ZH.slice(0, 15_000)]) {
      const shown = render("开源和闭源哪个好？", answer)
        .map((m) => m.embeds[0]?.description ?? "")
        .join("");
      expect(shown).not.toContain(MESSAGES.zh.answerCut);
    }
  });
});

describe("Show passages", () => {
  it("lists every cited source, over several private messages when there are more than 10", () => {
    const result = sampleResult("开源和闭源哪个好？", { answer: ZH, citations: manyCitations(23) });
    const pages = renderPassagePages(result);
    expect(pages.map((p) => p.embeds.length)).toEqual([10, 10, 3]);
    const titles = pages.flatMap((p) => p.embeds.map((e) => e.title ?? ""));
    expect(titles.map((t) => /^\[(\d+)\]/.exec(t)?.[1])).toEqual(
      Array.from({ length: 23 }, (_, i) => String(i + 1)),
    );
    expect(pages.map((p) => p.content)).toEqual([
      "**引用段落** (1/3)",
      "**引用段落** (2/3)",
      "**引用段落** (3/3)",
    ]);
    for (const p of pages) {
      expect(p.embeds.length).toBeLessThanOrEqual(LIMITS.embedsPerMessage);
      expect(messageProblems(p as unknown as Record<string, unknown>)).toEqual([]);
    }
  });

  it("is one message, as before, for 10 sources or fewer", () => {
    const result = sampleResult("开源和闭源哪个好？", { citations: manyCitations(10) });
    expect(renderPassagePages(result)).toEqual([renderPassages(result)]);
    const none = sampleResult("开源和闭源哪个好？", { citations: [] });
    expect(renderPassagePages(none)).toEqual([renderPassages(none)]);
  });
});
