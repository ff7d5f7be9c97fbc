import { describe, expect, it } from "vitest";
import { analyseQuestion, rewriteFollowUp } from "../../src/retrieve/query.js";
import { Bridge } from "../../src/text/bridge.js";
import { englishTerm } from "../../src/text/english.js";
import { detectLanguage } from "../../src/text/language.js";
import { sharedTokenizer } from "../../src/text/tokenizer.js";

const tokenizer = sharedTokenizer();
const analyse = (q: string) => analyseQuestion(q, tokenizer);

describe("question analysis", () => {
  it("detects the question's language", () => {
    expect(detectLanguage("开源有什么优势？")).toBe("zh");
    expect(detectLanguage("Which is cheaper?")).toBe("en");
    // English around a Chinese name is English; Chinese around English terms is Chinese.
    expect(detectLanguage("Is 文心一言 open source or closed source?")).toBe("en");
    expect(detectLanguage("Llama 3.1 405B 的 context window 有多长？")).toBe("zh");
    expect(detectLanguage("GPT-4 和 LLaMA 哪个更好？")).toBe("zh");
  });

  it("reads what the sides share as one question about the shared thing, not about the word 共同", () => {
    for (const q of ["开源闭源 共同挑战", "What challenges do open and closed LLMs have in common?"]) {
      const a = analyse(q);
      expect(a.comparison).toBe(false);
      expect(a.concepts.map((c) => c.surface)).toEqual([
        englishTerm(q.startsWith("开") ? "挑战" : "challenges"),
      ]);
    }
  });

  it("translates words the glossary lacks through the index's bridge, and weighs a known word it lacks", () => {
    const bridge = Bridge.from({
      en2zh: { logist: ["物流"], capit: ["资金"] },
      zh2en: { 生态: ["ecosystem"] },
      untranslated: ["franc"],
    });
    const en = analyseQuestion("Which model suits a logistics company?", tokenizer, bridge);
    expect(en.concepts.find((c) => c.surface === "logist")?.alternatives).toContain("物流");
    expect(en.concepts.find((c) => c.surface === "logist")?.soft).toBeUndefined();
    const zh = analyseQuestion("开源模型的生态有什么好处？", tokenizer, bridge);
    expect(zh.concepts.find((c) => c.surface === "生态")?.alternatives).toContain("ecosystem");
    // "France" has translations, none in the index: content the articles lack, not phrasing.
    expect(
      analyseQuestion("France capital", tokenizer, bridge).concepts.find((c) => c.surface === "franc")?.soft,
    ).toBeUndefined();
    // A word the dictionary does not know stays phrasing.
    expect(
      analyseQuestion("France capital", tokenizer).concepts.find((c) => c.surface === "franc")?.soft,
    ).toBe(true);
  });

  it("never takes a side word for a translation: 透明度 is not 'open'", () => {
    const bridge = Bridge.from({ en2zh: {}, zh2en: { 透明度: ["open", "transpar"] }, untranslated: [] });
    const a = analyseQuestion("开源和闭源在透明度上谁得分更高？", tokenizer, bridge);
    const concept = a.concepts.find((c) => c.surface === "透明度");
    expect(concept?.alternatives).toContain("transpar");
    expect(concept?.alternatives).not.toContain("open");
  });

  it("takes 'which'/'哪个' as a comparison only when a side or two names are there to compare", () => {
    expect(analyse("示例代码里用的是哪个接口地址？").comparison).toBe(false);
    expect(analyse("Which port does the server listen on?").comparison).toBe(false);
    expect(analyse("Which licences put conditions on open-weight models?").comparison).toBe(false);
    expect(analyse("哪种开源模型最适合做客服？").comparison).toBe(false);
    expect(analyse("开源模型更便宜吗？").comparison).toBe(true);
    expect(analyse("GPT-4 和 LLaMA 哪个更好？").comparison).toBe(true);
  });

  it("asks about code only with a word for code, and then weighs form words only where the articles use them", () => {
    expect(analyse("选型时要考虑哪些关键因素？").asksCode).toBe(false);
    expect(analyse("What are the keys to success?").asksCode).toBe(false);
    const code = analyse("价格字典里 mistral-7b 的 license 字段写的是什么？");
    expect(code.asksCode).toBe(true);
    expect(code.concepts.find((c) => c.surface === "字段")?.soft).toBe(true);
    expect(code.concepts.find((c) => c.surface === "mistral-7b")?.soft).toBeUndefined();
    // Outside a question about code, every Chinese concept counts in full.
    expect(analyse("开源模型的护城河是什么？").concepts.every((c) => c.soft === undefined)).toBe(true);
  });

  it("treats both sides and comparative words as comparisons, one side alone as one-sided", () => {
    expect(analyse("开源和闭源在成本上有什么区别？").comparison).toBe(true);
    expect(analyse("Which is cheaper, open or closed models?").comparison).toBe(true);
    expect(analyse("闭源有什么优势").comparison).toBe(false);
    expect(analyse("闭源有什么优势").sides).toEqual(["closed"]);
    expect(analyse("GPT-3 有多少参数？").comparison).toBe(false);
  });

  it("does not split a joint or a classification question into two sides", () => {
    expect(analyse("开源与闭源共同面临哪些挑战？").comparison).toBe(false);
    expect(analyse("文心一言是开源还是闭源的？").comparison).toBe(false);
  });

  it("reads a question about choosing between the sides as one question, not two columns", () => {
    for (const q of [
      "在开源和闭源之间做选择，要考虑哪些因素？",
      "选开源还是选闭源，要看什么？",
      "How should a team choose between open-source and closed-source models?",
    ]) {
      const a = analyse(q);
      expect(a.sides).toEqual(["open", "closed"]);
      expect(a.comparison).toBe(false);
    }
    expect(analyse("开源和闭源在成本上有什么区别？").comparison).toBe(true);
    expect(analyse("Which is cheaper, open or closed models?").comparison).toBe(true);
  });

  it("does not mistake OpenAI for the open side", () => {
    expect(analyse("What did the author say OpenAI turned into?").sides).toEqual([]);
  });

  it("maps English words through the glossary and ignores words it cannot place", () => {
    const a = analyse("Are open-source models cheaper than closed ones?");
    expect(a.sides).toEqual(["open", "closed"]);
    expect(a.concepts.map((c) => c.surface)).toEqual(["cheaper"]);
    expect(a.concepts[0]?.alternatives).toContain("成本");
  });

  it("marks Latin words in a Chinese question, and capitalised words in an English one, as names", () => {
    expect(
      analyse("tinyViT 论文的主要贡献是什么？").concepts.find((c) => c.surface === "tinyvit")?.name,
    ).toBe(true);
    const docker = analyse("How do I deploy a Jenkins container with Docker Compose?").concepts;
    expect(docker.find((c) => c.surface === englishTerm("jenkins"))?.name).toBe(true);
    expect(docker.find((c) => c.surface === "docker")?.name).toBe(true);
    const title = analyse("Does DeepSeek follow the Open Source AI Definition?").concepts;
    expect(title.find((c) => c.surface === "deepseek")?.name).toBe(true);
    // A title-case run of mostly known words is a title, not a row of unknown products.
    expect(title.find((c) => c.surface === englishTerm("definition"))?.name).toBe(false);
    expect(analyse("Why is transparency valuable?").concepts.every((c) => !c.name)).toBe(true);
  });

  it("reads a capitalised word that continues a name as part of the name, not as a glossary word", () => {
    const mac = analyse("How fast does Qwen2.5-7B run on an M2 MacBook Pro?").concepts;
    const pro = mac.find((c) => c.surface === englishTerm("pro"));
    expect(pro?.name).toBe(true);
    expect(pro?.alternatives).toEqual([englishTerm("pro")]);
    const claude = analyse("Is Claude 3.5 Sonnet better than GPT-4 Turbo?").concepts;
    expect(claude.find((c) => c.surface === englishTerm("sonnet"))?.name).toBe(true);
    // The same word outside a name keeps its meaning.
    const pros = analyse("What are the pros of open models?").concepts;
    expect(pros.find((c) => c.surface === englishTerm("pros"))?.alternatives).toContain("优点");
    expect(pros.find((c) => c.surface === englishTerm("pros"))?.name).toBe(false);
    // A sentence's first word is capitalised as a sentence's, not as a name's.
    const first = analyse("Pros and cons of Llama?").concepts;
    expect(first.find((c) => c.surface === englishTerm("pros"))?.alternatives).toContain("优点");
  });

  it("reads a hyphenated word and its stemmed form as one concept, and a side as a side", () => {
    const hosted = analyse("Why did they choose self-hosted models?").concepts;
    expect(hosted.map((c) => c.surface)).toEqual(expect.arrayContaining(["self-hosted"]));
    expect(hosted.find((c) => c.surface === "self-hosted")?.alternatives).toContain("self-host");
    expect(hosted.map((c) => c.surface)).not.toContain("self-host");
    const side = analyse("What are the disadvantages of closed-source models?");
    expect(side.sides).toEqual(["closed"]);
    expect(side.concepts.map((c) => c.surface)).toEqual([englishTerm("disadvantages")]);
  });

  it("takes a word jieba had to guess from common characters for a cut, not for a subject", () => {
    // 会靠 (会 + 靠) and 比调 (比 + 调) are not words: jieba's HMM glued two common characters.
    for (const [q, guessed] of [
      ["闭源模型的护城河接下来会靠什么？", "会靠"],
      ["自己部署开源模型真的比调闭源 API 便宜吗？", "比调"],
    ] as const) {
      const concept = analyse(q).concepts.find((c) => c.surface === guessed);
      expect(concept?.soft).toBe(true);
    }
    // Names jieba does not know are made of rarer characters: they stay subjects, so that a
    // question about a model the articles never name is refused.
    for (const [q, name] of [
      ["可灵是开源的吗？", "可灵"],
      ["混元是开源的吗？", "混元"],
      ["秘塔搜索用的什么模型？", "秘塔"],
    ] as const) {
      const concept = analyse(q).concepts.find((c) => c.surface === name);
      expect(concept).toBeDefined();
      expect(concept?.soft).toBeUndefined();
    }
    // A word jieba knows is never taken for a cut, however common its characters.
    expect(
      analyse("今天北京的天气怎么样？").concepts.find((c) => c.surface === "天气")?.soft,
    ).toBeUndefined();
  });

  it("keeps a model name whole with its version, its parts belonging to it", () => {
    const concepts = analyse("GPT-5 和 Qwen2.5-72B 的许可证有什么不同？").concepts;
    expect(concepts.map((c) => c.surface)).toEqual(expect.arrayContaining(["gpt-5", "qwen2.5-72b"]));
    expect(concepts.map((c) => c.surface)).not.toContain("gpt");
    expect(concepts.find((c) => c.surface === "qwen2.5-72b")?.parts).toEqual(["qwen2.5", "72b"]);
  });

  it("skips question words and fillers, keeps English words outside the glossary as soft concepts", () => {
    const zh = analyse("那开源跟闭源在透明度上到底谁得分更高呢？").concepts.map((c) => c.surface);
    expect(zh).not.toContain("到底");
    expect(zh).toContain("透明度");
    const en = analyse("By how much did routing cut model spend?").concepts;
    expect(en.find((c) => c.surface === englishTerm("routing"))?.soft).toBe(true);
  });

  it("knows when a question asks for a figure or for code", () => {
    expect(analyse("GPT-3 有多少参数？").asksQuantity).toBe(true);
    expect(analyse("How long is the context window of Llama 3.1?").asksQuantity).toBe(true);
    expect(analyse("开源模型有哪些优势？").asksQuantity).toBe(false);
    expect(analyse("价格字典里 license 字段写的是什么？").asksCode).toBe(true);
    expect(analyse("开源模型有哪些优势？").asksCode).toBe(false);
  });

  it("keeps compound parts so that 技术垄断 can match 技术…垄断", () => {
    const concept = analyse("开源大模型如何避免技术垄断？").concepts.find((c) => c.surface.includes("垄断"));
    expect(concept).toBeDefined();
    expect([...(concept?.alternatives ?? []), ...(concept?.parts ?? [])]).toContain("垄断");
  });
});

describe("follow-up rewriting", () => {
  const history = [{ role: "user" as const, content: "开源和闭源大模型在成本上有什么区别？" }];

  it("carries the sides of the previous question into a bare topic follow-up", () => {
    const q = rewriteFollowUp("那安全性呢？", history, tokenizer);
    expect(q).toContain("开源");
    expect(q).toContain("闭源");
    expect(q).toContain("安全性");
    expect(analyse(q).comparison).toBe(true);
  });

  it("replaces a pronoun with the subject of the previous question", () => {
    const q = rewriteFollowUp("它有多少参数？", [{ role: "user", content: "GPT-3 有什么特点？" }], tokenizer);
    expect(q.toLowerCase()).toContain("gpt-3");
    expect(q).toContain("参数");
  });

  it("rewrites English follow-ups", () => {
    const q = rewriteFollowUp(
      "what about security?",
      [{ role: "user", content: "Which is cheaper, open or closed models?" }],
      tokenizer,
    );
    expect(q).toMatch(/open-source/);
    expect(q).toMatch(/security/);
  });

  it("leaves a standalone question alone", () => {
    const q = "BERT 有什么特点？";
    expect(rewriteFollowUp(q, history, tokenizer)).toBe(q);
    expect(rewriteFollowUp("那安全性呢？", [], tokenizer)).toBe("那安全性呢？");
  });
});

describe("evaluative comparatives", () => {
  it("are how a comparison is asked, not what it is about", () => {
    for (const q of [
      "开源模型和闭源模型在隐私上哪个更好？",
      "开源和闭源哪个更强一些，在推理方面？",
      "Which is better for privacy, open or closed models?",
    ]) {
      const a = analyseQuestion(q, sharedTokenizer());
      const words = a.concepts.flatMap((c) => c.alternatives);
      expect(words.some((w) => ["更好", "更强", "better", "好"].includes(w))).toBe(false);
      expect(words.length).toBeGreaterThan(0);
      expect(a.comparison).toBe(true);
    }
  });
});
