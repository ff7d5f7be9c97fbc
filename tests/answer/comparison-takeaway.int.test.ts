/**
 * A comparison's takeaway: besides a sentence that weighs the sides (取决于, 权衡…), one of an
 * article's prose that sets the two sides against each other in its own clauses ("开源的风险在
 * 于…，闭源的风险在于…") answers "which is better" better than any one side's point, whatever
 * section it sits in. On an article written for this test, not one of the captures.
 */
import { describe, expect, it } from "vitest";
import { indexedAppWith } from "../helpers/app.js";

const ARTICLE = `# 开源与闭源：隐私怎么选

## 开源部署
开源模型可以部署在自己的机房，用户数据的隐私不用交给第三方。

## 闭源服务
闭源模型的服务商通常承诺不拿客户数据训练，隐私条款写在合同里。

## 评测方法
为了比较隐私保护，我们用 GPT-4o 做对照，开源模型用 Llama 3 的默认隐私设置。

## 成本
开源模型要自己买显卡，闭源模型按调用量付费，小团队一般先用 API 验证需求。

## 速度
本地部署的 7B 模型在笔记本上每秒能生成二十个左右的 token。

## 延迟对照
对比延迟时，我们用 GPT-4o 的接口做对照，开源一侧用 Llama 3 跑在本地，两边延迟相差不大。

## 开源社区的做法
社区会公开模型卡和数据说明。归根到底，开源的隐私风险在于运维能力不足，闭源的隐私风险在于数据要交给别人。
`;

const t = indexedAppWith({ "privacy.md": ARTICLE });

describe("a comparison's takeaway", () => {
  it("is the sentence that sets the sides against each other, not a model named beside a side", async () => {
    const result = await t.app.answerer.ask("开源模型和闭源模型在隐私上哪个更好？");
    expect(result.refused).toBe(false);
    const takeaway = result.answer.split("\n").find((line) => line.startsWith("**总结**"));
    expect(takeaway).toContain("开源的隐私风险在于运维能力不足，闭源的隐私风险在于数据要交给别人");
    expect(result.answer).not.toMatch(/总结\*\*：[^\n]*GPT-4o/);
  });
});

describe("a comparison's sides", () => {
  it("show a sentence that speaks for both on the aspect, never a sentence off the aspect", async () => {
    const result = await t.app.answerer.ask("开源和闭源模型在延迟上有什么区别？");
    expect(result.refused).toBe(false);
    expect(result.answer).toContain("两边延迟相差不大");
    // Sentences about other things are no answer for either side.
    expect(result.answer).not.toContain("模型卡");
    expect(result.answer).not.toContain("隐私条款");
  });
});
