/**
 * "X 是开源还是闭源？" gets a direct answer naming the side, cited, on articles written for this
 * test: a model the articles call closed, one they call open, one they describe both ways
 * (open weights under a licence that is not open source), and one they never mention.
 */
import { describe, expect, it } from "vitest";
import { indexedAppWith } from "../helpers/app.js";

const ARTICLE = `# 三个模型的路线

星河大模型是闭源的，只通过商业化接口提供服务，权重从未公开。

青鸾模型在去年以 Apache 2.0 协议开源，任何人都可以下载权重、修改和商用。

| 模型 | 类型 | 许可 |
| --- | --- | --- |
| 星河大模型 | 闭源 | 服务协议 |
| 青鸾模型 | 开源 | Apache 2.0 |

海燕模型公开了权重，但它的许可证限制商用，按开源定义并不算开源，更准确的说法是开放权重、许可受限。
`;

const t = indexedAppWith({ "routes.md": ARTICLE });

describe("which side a model is on", () => {
  it("answers a closed model's side first, cited", async () => {
    const r = await t.app.answerer.ask("星河大模型是开源还是闭源的？");
    expect(r.refused).toBe(false);
    expect(r.answer.split("\n")[0]).toMatch(/^根据文章，星河大模型是闭源的\[\d\]/);
    expect(r.citations.length).toBeGreaterThan(0);
  });

  it("answers an open model's side, and in English when asked in English", async () => {
    const r = await t.app.answerer.ask("青鸾模型是开源的还是闭源的？");
    expect(r.answer.split("\n")[0]).toMatch(/^根据文章，青鸾模型是开源的\[\d\]/);
    const en = await t.app.answerer.ask("Is 青鸾模型 open source or closed source?");
    expect(en.answer.split("\n")[0]).toMatch(/^According to the articles, 青鸾模型 is open source\[\d\]/);
  });

  it("says the articles describe it both ways when they do, quoting each", async () => {
    const r = await t.app.answerer.ask("海燕模型是开源还是闭源？");
    expect(r.refused).toBe(false);
    expect(r.answer.split("\n")[0]).toMatch(/说法不一|不能简单/);
    expect(r.answer).toContain("开放权重");
  });

  it("refuses a model the articles never mention", async () => {
    const r = await t.app.answerer.ask("飞鱼模型是开源还是闭源？");
    expect(r.refused).toBe(true);
  });
});
