/**
 * A sentence that announces a point in the question's own words ("…有一个经常被低估的成本：输出
 * token 的单价。") is no answer by itself: the fact is in the sentence after it. On an article
 * written for this test (not one of the captures): the announcing sentence is quoted with the
 * one that carries the fact; a sentence that already says something new is quoted alone.
 */
import { describe, expect, it } from "vitest";
import { indexedAppWith } from "../helpers/app.js";

const ARTICLE = `# 开源与闭源模型落地的几笔账

## 计费
按量付费看上去便宜，但闭源 API 有一个经常被低估的成本：输出 token 的单价。多数厂商的输出价格是输入的三到四倍，长回答的应用账单会因此翻倍。缓存命中的输入通常还能打折。

## 显存
本地部署开源模型时，最容易出问题的环节是显存估算。70B 模型在 FP16 下需要约 140GB 显存，单张 80GB 的卡放不下。

## 计费方式
闭源 API 的常见计费方式
按 token 计费的单价每年都在下降。

## 许可证
Llama 3 的社区许可证规定，月活跃用户超过 7 亿的企业需要向 Meta 单独申请授权。社区每个月都会整理一次常见问题的合集。
`;

const t = indexedAppWith({ "costs.md": ARTICLE });

describe("a sentence that announces its point", () => {
  it("is quoted with the sentence that carries the fact", async () => {
    const cost = await t.app.answerer.ask("闭源 API 有什么经常被低估的成本？");
    expect(cost.refused).toBe(false);
    expect(cost.answer).toContain("输出 token 的单价");
    expect(cost.answer).toContain("三到四倍");
    const memory = await t.app.answerer.ask("本地部署开源模型时最容易出问题的环节是什么？");
    expect(memory.refused).toBe(false);
    expect(memory.answer).toContain("140GB");
  });

  it("is not needed when the sentence says something new: its neighbour stays out", async () => {
    const license = await t.app.answerer.ask("Llama 3 的社区许可证对大企业有什么规定？");
    expect(license.refused).toBe(false);
    expect(license.answer).toContain("7 亿");
    expect(license.answer).not.toContain("常见问题");
  });

  it("is a sentence: a heading-like line is never glued to the line after it", async () => {
    const billing = await t.app.answerer.ask("闭源 API 的常见计费方式是什么？");
    expect(billing.answer).not.toMatch(/计费方式\s*按 token/);
  });
});
