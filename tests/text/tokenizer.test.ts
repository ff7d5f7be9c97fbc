import { describe, expect, it } from "vitest";
import { lineMemo, sharedTokenizer } from "../../src/text/tokenizer.js";

const tokenizer = sharedTokenizer();

describe("tokenizer", () => {
  it("keeps the sides and 大模型 whole, which jieba's default dictionary splits", () => {
    const terms = tokenizer.terms("闭源大模型和开源大模型");
    expect(terms).toContain("闭源");
    expect(terms).toContain("开源");
    expect(terms).toContain("大模型");
    expect(terms).not.toContain("源");
  });

  it("keeps model names whole, lower-cased", () => {
    expect(tokenizer.terms("ChatGLM3-6B、Qwen1.5、GPT-J 与 LLaMA-Factory")).toEqual(
      expect.arrayContaining(["chatglm3-6b", "qwen1.5", "gpt-j", "llama-factory"]),
    );
  });

  it("reads a possessive as the name it belongs to", () => {
    const t = sharedTokenizer();
    expect(t.terms("Bard's features")).toContain("bard");
    expect(t.terms("Bard's features")).not.toContain("bard's");
  });

  it("drops stop words and punctuation", () => {
    const terms = tokenizer.terms("开源和闭源有什么区别？What is the difference?");
    for (const t of ["和", "什么", "？", "what", "is", "the"]) expect(terms).not.toContain(t);
    expect(terms).toContain("differ");
  });

  it("reads Latin words whole and stemmed, names with their version, never cut by jieba", () => {
    const terms = tokenizer.terms("Users modify Qwen2.5-72B licenses; 用 GPT-4o 和 Llama 3.1 405B");
    expect(terms).toEqual(
      expect.arrayContaining([
        "modifi",
        "qwen2.5-72b",
        "qwen2.5",
        "72b",
        "licens",
        "gpt-4o",
        "llama",
        "3.1",
        "405b",
      ]),
    );
    expect(terms).not.toContain("dify");
    expect(terms).not.toContain("mo");
  });

  it("reads a hyphenated English word stemmed too, so self-hosted, self-hosting and self-host meet", () => {
    const stem = (text: string) => tokenizer.terms(text).filter((t) => t.startsWith("self-"));
    expect(stem("We self-hosted the model")).toContain("self-host");
    expect(stem("Self-hosting costs more")).toContain("self-host");
    expect(stem("before you self-host")).toEqual(["self-host"]);
    // Names with digits are kept as written, with no stemmed variant.
    expect(tokenizer.terms("gpt-4o runs")).toEqual(expect.arrayContaining(["gpt-4o", "gpt", "4o"]));
    expect(tokenizer.terms("gpt-4o runs").filter((t) => t.startsWith("gpt-"))).toEqual(["gpt-4o"]);
  });

  it("segments every run of ideographs as if it stood alone, keeping the text's order", () => {
    // Runs between punctuation, Latin words, spaces and line breaks; the terms of the whole are
    // the terms of its pieces, in order, however many runs one text has.
    const pieces = [
      "开源模型的优势在于",
      "，",
      "GPT-4o",
      "和",
      " Qwen2.5-72B ",
      "闭源大模型",
      "\n",
      "市场竞争",
      "。",
      "数据隐私",
      "!",
    ];
    const whole = pieces.join("");
    expect(tokenizer.terms(whole)).toEqual(pieces.flatMap((p) => tokenizer.terms(p)));
    expect(tokenizer.terms(whole)).toEqual(
      ["开源", "模型", "优势", "gpt-4o", "gpt", "4o", "qwen2.5-72b", "qwen2.5", "72b"].concat([
        "闭源",
        "大模型",
        "市场竞争",
        "数据隐私",
      ]),
    );
  });

  it("segments many texts in one call with each text's own terms", () => {
    const texts = [
      "开源模型可以本地部署，数据不出本机。",
      "",
      "Llama 3.1 405B 的上下文长度是 128K。",
      "只有 English words here",
      "開源模型與閉源模型",
      "专著军师\n開源模型",
      "，。！",
      "闭源大模型\n\n市场竞争",
    ];
    expect(tokenizer.termsOfEach(texts)).toEqual(texts.map((t) => tokenizer.terms(t)));
    expect(tokenizer.termsOfEach([])).toEqual([]);
  });

  it("segments a batch's lines once for all its texts, with the same terms as alone", () => {
    const calls: string[][] = [];
    const counting = {
      terms: (t: string) => {
        calls.push([t]);
        return tokenizer.terms(t);
      },
      termsOfEach: (ts: string[]) => {
        calls.push([...ts]);
        return tokenizer.termsOfEach(ts);
      },
      subwords: () => [],
    };
    const memo = lineMemo(counting);
    const text = "开源模型可以本地部署，数据不出本机。\nLlama 3.1 405B 的上下文长度是 128K。";
    const embedding = ["比较", "成本 > 部署", "导语：开源与闭源", text].join("\n");
    const lexical = ["成本 部署", "导语：开源与闭源", text].join("\n");
    const other = ["比较", "价格", text].join("\n");
    memo.prepare([embedding, lexical, other]);
    // One call for every distinct line of the batch, nothing after it.
    expect(calls).toHaveLength(1);
    expect([...(calls[0] as string[])].sort()).toEqual(
      [...new Set([embedding, lexical, other].flatMap((t) => t.split("\n")))].sort(),
    );
    for (const t of [embedding, lexical, other]) expect(memo.terms(t)).toEqual(tokenizer.terms(t));
    expect(calls).toHaveLength(1);
    // A text not prepared is segmented when asked, its new lines only.
    expect(memo.terms("比较\n新的一行")).toEqual(tokenizer.terms("比较\n新的一行"));
    expect(calls.slice(1)).toEqual([["新的一行"]]);
    // Folding converts a text with traditional characters as a whole (OpenCC's phrases: 专著
    // becomes 专着 once 開 is in the text), so its lines' terms are not its terms: such a text
    // is never taken apart, though its lines be known.
    const traditional = "专著军师\n開源模型";
    expect(traditional.split("\n").flatMap((line) => tokenizer.terms(line))).not.toEqual(
      tokenizer.terms(traditional),
    );
    memo.prepare(["专著军师", traditional]);
    expect(memo.terms(traditional)).toEqual(tokenizer.terms(traditional));
    expect(memo.terms("专著军师")).toEqual(tokenizer.terms("专著军师"));
    memo.clear();
    const after = calls.length;
    expect(memo.terms(lexical)).toEqual(tokenizer.terms(lexical));
    expect(calls.length).toBe(after + 1);
  });

  it("finds the dictionary words inside a compound", () => {
    expect(tokenizer.subwords("市场竞争")).toEqual(expect.arrayContaining(["市场", "竞争"]));
  });
});
