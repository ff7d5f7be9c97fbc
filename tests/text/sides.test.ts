import { describe, expect, it } from "vitest";
import { negatedSides, sideMentions, sideOf } from "../../src/text/sides.js";

describe("sideOf", () => {
  it("reads the side words in Chinese and English", () => {
    expect(sideOf("开源模型可以本地部署")).toBe("open");
    expect(sideOf("Open-weight models can be fine-tuned on your own data.")).toBe("open");
    expect(sideOf("A proprietary, API-only model is updated by its vendor.")).toBe("closed");
    expect(sideOf("只提供商业化接口，高版本收费")).toBe("closed");
  });

  it("knows the side of model families and products", () => {
    expect(sideOf("Meta LLaMA系列")).toBe("open");
    expect(sideOf("文心一言的上下文长度")).toBe("closed");
    expect(sideOf("Compared with GPT-4o, Llama 3.1 70B was cheaper to run.")).toBe("both");
  });

  it("calls a fact about the two sides 'both', and text about neither null", () => {
    expect(sideOf("以阿里为代表的部分开源、部分闭源")).toBe("both");
    expect(sideOf("这段话只谈部署成本。")).toBeNull();
  });

  it("does not take OpenAI for the open side, nor a word inside another word", () => {
    expect(sideMentions("OpenAI published a report").open).toBe(0);
    expect(sideOf("the enclosed sources")).toBeNull();
  });

  it("does not count a negated side word for that side, and reports it as negated", () => {
    expect(sideOf("这个模型并不算开源。")).toBeNull();
    expect(sideOf("闭源模型不是开源的，权重不公开。")).toBe("closed");
    expect(sideOf("Its licence is not open source.")).toBeNull();
    expect(negatedSides("按开源定义，它并不算开源").has("open")).toBe(true);
    expect(negatedSides("开源模型可以商用").size).toBe(0);
    // "非" inside another word is no negation: 非常 is "very".
    expect(sideOf("开源社区非常活跃")).toBe("open");
  });

  it("reads a denial across a modifier of the side word (…认可的开源, a truly open, OSI-approved)", () => {
    for (const text of [
      "它的许可证不是OSI认可的开源许可证。",
      "这个模型并不是真正意义上的开源模型。",
      "严格来说它算不上一个开源项目。",
      "它不属于严格定义下的开源软件。",
      "The licence is not an OSI-approved open source licence.",
      "This model is not truly open source.",
      "It is not a genuinely open-source model.",
      "它不是一个闭源模型。",
    ])
      expect(negatedSides(text).size, text).toBe(1);
  });

  it("does not read a denial of something else as a denial of the side", () => {
    for (const text of [
      "不是所有开源模型都允许商用。",
      "这并不是说开源更好，而是看场景。",
      "不是因为开源，而是因为社区活跃。",
      "它不是免费的，开源版本另有许可。",
      "Not all open source models allow commercial use.",
      "This is not about open source, it is about cost.",
      "We did not choose open source because of price.",
      "并非每个开源项目都有活跃的社区。",
    ])
      expect(negatedSides(text).size, text).toBe(0);
  });
});
