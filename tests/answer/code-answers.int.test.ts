/**
 * Code in answers, on an article written for this test (not one of the captures): a question
 * about code is answered with the lines that hold the asked key and the block it opens, found
 * through the sentence that introduces the code; fences and imports are never quoted; a
 * question that is not about code never quotes code.
 */
import { describe, expect, it } from "vitest";
import { indexedAppWith } from "../helpers/app.js";

const ARTICLE = `# 用 vLLM 部署开源模型

我们在内网用 vLLM 部署了开源模型，对外提供和 OpenAI 兼容的接口。下面是网关里用的路由配置：

\`\`\`python
import os

ROUTES = {
    "qwen-local": {
        "base_url": "http://10.0.0.8:8000/v1",
        "max_tokens": 4096,
    },
    "gpt-4o": {
        "base_url": "https://api.example.com/v1",
        "max_tokens": 16384,
    },
}
\`\`\`

开源模型走内网，闭源模型走外部接口，这样敏感数据不会离开机房。
`;

const t = indexedAppWith({ "gateway.md": ARTICLE });

describe("code in answers", () => {
  it("quotes the key the question names with the block it opens, never a fence or an import", async () => {
    const result = await t.app.answerer.ask("路由配置里 qwen-local 的 max_tokens 设的是多少？");
    expect(result.refused).toBe(false);
    expect(result.answer).toContain("4096");
    expect(result.answer).toMatch(/`"qwen-local": \{[^`]*"max_tokens": 4096[^`]*\}/);
    expect(result.answer).not.toContain("```");
    expect(result.answer).not.toContain("import os");
    // The other model's block is another answer.
    expect(result.answer).not.toContain("16384");
  });

  it("finds a code block through the sentence that introduces it", async () => {
    const result = await t.app.answerer.ask("网关的路由配置代码是怎么写的？");
    expect(result.refused).toBe(false);
    expect(result.citations.some((c) => c.text.includes("ROUTES = {"))).toBe(true);
  });

  it("does not quote code for a question that is not about code", async () => {
    const result = await t.app.answerer.ask("为什么开源模型走内网？");
    expect(result.refused).toBe(false);
    expect(result.answer).toContain("敏感数据");
    expect(result.answer).not.toMatch(/base_url|max_tokens/);
  });
});
