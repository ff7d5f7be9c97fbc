import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/discord/limits.js";
import {
  buttonId,
  citationLine,
  parseButtonId,
  renderAnswer,
  renderHelp,
  renderPassages,
  renderSources,
  renderStreaming,
  sanitiseLinks,
} from "../../src/discord/render.js";
import type { Citation } from "../../src/types.js";
import { SAMPLE_CITATIONS, sampleResult } from "../fakes/answerer.js";
import { messageProblems } from "../fakes/discord/server.js";

const QUESTION = "开源大模型有哪些优势？";

function longAnswer(chars: number): string {
  const sentences = [
    "开源大模型的代码公开，任何人都可以检查和改进[1]。",
    "闭源大模型通常提供更稳定的服务和商业支持[2]！",
    "Open models can be self-hosted, which helps with data privacy [1][2]. ",
    "成本方面，两者的差别取决于部署规模？",
    "\n",
  ];
  let s = "";
  for (let i = 0; s.length < chars; i += 1) s += sentences[i % sentences.length];
  return s;
}

const squash = (s: string) => s.replace(/\s+/g, "");

describe("renderAnswer", () => {
  it("renders one embed with the question, the answer, linked sources, providers and buttons", () => {
    const [msg, ...rest] = renderAnswer({
      question: QUESTION,
      result: sampleResult(QUESTION),
      answerId: "123456789012345678",
      elapsedMs: 2345,
    });
    expect(rest).toEqual([]);
    const embed = msg?.embeds[0];
    expect(embed?.title).toBe(QUESTION);
    expect(embed?.description).toContain("[1]");
    const sources = embed?.fields?.[0]?.value ?? "";
    expect(sources).toContain(
      "[1] [开源大模型与闭源大模型的全面对比 › 二、关键区别 › 透明度](https://cloud.baidu.com/qianfanqa/article/open-vs-closed)",
    );
    // No URL known: plain text, no broken link.
    expect(sources).toContain("[2] 基于AI和全球化进程的权衡：开源大模型与闭源大模型 › 开源大模型 › 优势");
    expect(embed?.footer?.text).toMatch(/fake.*builtin.*2\.3 秒/);
    const ids = msg?.components[0]?.components.map((c) => ("custom_id" in c ? c.custom_id : ""));
    expect(ids?.map((id) => parseButtonId(id ?? ""))).toEqual([
      { answerId: "123456789012345678", action: "passages" },
      { answerId: "123456789012345678", action: "up" },
      { answerId: "123456789012345678", action: "down" },
    ]);
    expect(messageProblems(msg as unknown as Record<string, unknown>)).toEqual([]);
  });

  it("splits a long answer over several messages, each within Discord's limits, losing nothing", () => {
    const answer = longAnswer(15_000);
    const msgs = renderAnswer({
      question: "x".repeat(400),
      result: sampleResult(QUESTION, { answer }),
      answerId: "1",
      elapsedMs: 1,
    });
    expect(msgs.length).toBeGreaterThanOrEqual(4);
    for (const m of msgs) expect(messageProblems(m as unknown as Record<string, unknown>)).toEqual([]);
    expect(squash(msgs.map((m) => m.embeds[0]?.description ?? "").join(""))).toBe(squash(answer));
    // Buttons and sources only under the last part; every part but the last ends a sentence.
    expect(msgs.slice(0, -1).every((m) => m.components.length === 0 && !m.embeds[0]?.fields)).toBe(true);
    expect(msgs.at(-1)?.components).toHaveLength(1);
    for (const m of msgs.slice(0, -1)) expect(m.embeds[0]?.description).toMatch(/[。！？.!?\]]$/);
  });

  it("keeps many long sources within field limits and says how many were left out", () => {
    const citations: Citation[] = Array.from({ length: 40 }, (_, i) => ({
      ...(SAMPLE_CITATIONS[0] as Citation),
      n: i + 1,
      title: `很长的标题 ${"开源".repeat(100)}`,
      url: `https://example.com/${"a".repeat(150)}/${i}`,
    }));
    const msgs = renderAnswer({
      question: QUESTION,
      result: sampleResult(QUESTION, {
        citations,
        answer: longAnswer(5500),
        notice: "Ollama 不可用，已改用抽取式回答。",
      }),
      answerId: "1",
      elapsedMs: 1,
    });
    for (const m of msgs) expect(messageProblems(m as unknown as Record<string, unknown>)).toEqual([]);
    const fields = msgs.at(-1)?.embeds[0]?.fields ?? [];
    expect(fields.map((f) => f.value).join("\n")).toMatch(/… \+\d+/);
    expect(fields.at(-1)?.value).toContain("Ollama 不可用");
  });

  it("marks a refusal and disables the passages button when nothing is cited", () => {
    const [msg] = renderAnswer({
      question: QUESTION,
      result: sampleResult(QUESTION, { refused: true, citations: [], answer: "资料中没有相关内容。" }),
      answerId: "1",
      elapsedMs: 1,
    });
    expect(msg?.embeds[0]?.fields?.[0]?.value).toContain("没有足够的依据");
    const passages = msg?.components[0]?.components[0];
    expect(passages && "disabled" in passages ? passages.disabled : undefined).toBe(true);
  });
});

describe("small renderers", () => {
  it("streams at most 2000 characters, showing the newest text", () => {
    const text = renderStreaming(`${"开".repeat(5000)}结尾`);
    expect(text.length).toBeLessThanOrEqual(LIMITS.content);
    expect(text).toContain("结尾");
    expect(text.startsWith("…")).toBe(true);
  });

  it("escapes brackets in linked titles so the link stays a link", () => {
    const line = citationLine({
      ...(SAMPLE_CITATIONS[0] as Citation),
      title: "[转载] 开源(对比)",
      heading: "",
    });
    expect(line).toBe("[1] [［转载］ 开源(对比)](https://cloud.baidu.com/qianfanqa/article/open-vs-closed)");
  });

  it("quotes up to 10 passages within the embed limits", () => {
    const citations: Citation[] = Array.from({ length: 14 }, (_, i) => ({
      ...(SAMPLE_CITATIONS[1] as Citation),
      n: i + 1,
      text: `第一行${"内容".repeat(900)}\n第二行`,
    }));
    const msg = renderPassages(sampleResult(QUESTION, { citations }));
    expect(msg.embeds).toHaveLength(10);
    expect(msg.embeds[0]?.description?.startsWith("> 第一行")).toBe(true);
    expect(messageProblems(msg as unknown as Record<string, unknown>)).toEqual([]);
    expect(renderPassages(sampleResult(QUESTION, { citations: [] })).content).toContain("没有引用");
  });

  it("lists sources with links, passage counts and the ingest time, within limits", () => {
    const embed = renderSources(
      {
        builtAt: "2025-01-02T03:04:05.000Z",
        embedder: "builtin",
        sources: Array.from({ length: 300 }, (_, i) => ({
          source: `a-${i}.md`,
          title: `文章 ${i}`,
          passages: i,
          ...(i % 2 ? { url: `https://example.com/${i}` } : {}),
        })),
      },
      "en",
    );
    expect(embed.description).toContain("[文章 1](https://example.com/1)");
    expect(embed.description).toContain("0 passages");
    expect(embed.description).toMatch(/… \+\d+$/);
    expect(embed.fields?.[0]?.value).toContain(`<t:${Date.parse("2025-01-02T03:04:05.000Z") / 1000}:f>`);
    expect(messageProblems({ embeds: [embed] })).toEqual([]);
  });

  it("accepts only its own button ids", () => {
    expect(parseButtonId(buttonId("42", "up"))).toEqual({ answerId: "42", action: "up" });
    expect(parseButtonId("answer:42:delete")).toBeNull();
    expect(parseButtonId("someone-else:42:up")).toBeNull();
    expect(buttonId("1".repeat(20), "passages").length).toBeLessThanOrEqual(LIMITS.customId);
  });
});

describe("links in an answer", () => {
  const cited = "https://example.com/articles/open-vs-closed";
  it("keeps a link to a cited source and shows any other as text that cannot be clicked", () => {
    const text = `见[原文](${cited})。[点这里领取免费额度](http://evil.example/phish) 或 https://evil.example/x 或 <http://evil.example/y>`;
    expect(sanitiseLinks(text, [cited, null])).toBe(
      `见[原文](${cited})。点这里领取免费额度 (\`http://evil.example/phish\`) 或 \`https://evil.example/x\` 或 \`http://evil.example/y\``,
    );
  });

  it("renders the sanitised answer in the embed", () => {
    const result = sampleResult("q", { answer: "开源更便宜[1]。[点这里](http://evil.example/phish)" });
    const [message] = renderAnswer({ question: "q", result, answerId: "1", elapsedMs: 10 });
    expect(message?.embeds[0]?.description).toContain("点这里 (`http://evil.example/phish`)");
  });
});

describe("renderHelp", () => {
  it("shows the configured Ollama models that are missing, and nothing extra when all are there", () => {
    const problems = ["model 'qwen2.5:7b' is not pulled: run \"ollama pull qwen2.5:7b\""];
    const embed = renderHelp("zh", 500, 10, problems);
    expect(embed.fields?.[0]?.value).toContain("ollama pull qwen2.5:7b");
    expect(renderHelp("en", 500, 10).fields).toBeUndefined();
  });
});
