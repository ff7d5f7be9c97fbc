/**
 * A sentence that names the asked concept inside a section headed by it is that section's point;
 * the same word in a higher-ranked introduction is a passing mention. Passages written for this
 * test, with a concept weight of a typical IDF, ranked as retrieval ranked them in the case that showed it (the introduction first, the
 * side's own section fourth).
 */
import { describe, expect, it } from "vitest";
import { composeExtractive } from "../../src/answer/extractive.js";
import { analyseQuestion } from "../../src/retrieve/query.js";
import { sharedTokenizer } from "../../src/text/tokenizer.js";
import { passage } from "../retrieve/fake-index.js";

const tokenizer = sharedTokenizer();

const ranked = [
  passage("intro", "很多团队关心蒸馏。闭源模型也提供了蒸馏服务，操作很简单。这篇按项目经验分开说。"),
  passage("survey", "调查显示，四成企业计划在明年尝试开源模型的蒸馏，以降低推理成本。"),
  passage("other", "闭源模型的按量计费让团队在蒸馏之前就能先验证业务价值。"),
  passage("closed", "厂商的流程很省事。但蒸馏出的小模型只能在厂商平台内调用，不能导出权重。", [
    "闭源模型的蒸馏",
  ]),
  passage("open", "拿到权重之后，蒸馏出的小模型可以导出到任何地方部署。", ["开源模型的蒸馏"]),
].map((chunk, i) => ({ chunk, score: 1 - i / 10 }));

describe("a sentence in a section headed by the asked concept", () => {
  it("is quoted for its side ahead of a passing mention in a better-ranked passage", () => {
    const analysis = analyseQuestion("开源和闭源模型在蒸馏上有什么区别？", tokenizer);
    const { text } = composeExtractive(analysis, ranked, [2.5], tokenizer);
    const closed = text.slice(text.indexOf("**闭源**"));
    expect(text).toContain("**闭源**");
    // The closed section's point comes first in the closed column.
    expect(closed.split("\n")[1]).toContain("不能导出权重");
    const open = text.slice(text.indexOf("**开源**"), text.indexOf("**闭源**"));
    expect(open.split("\n")[1]).toContain("导出到任何地方");
  });
});
