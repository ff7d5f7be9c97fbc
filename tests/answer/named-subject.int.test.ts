/**
 * A name a passage gives once stays the subject of its later sentences: "Mixtral-8x22B 于…发布。
 * 训练一共用了…" answers a question about Mixtral-8x22B's training although the second sentence
 * does not repeat the name. Articles written for this test (not captures): a table elsewhere
 * that names the model in every row must not take the answer's place.
 */
import { describe, expect, it } from "vitest";
import { indexedAppWith } from "../helpers/app.js";

const RELEASE = `# 稀疏专家模型的一年

## Mixtral：稀疏专家走向开源
Mixtral-8x22B 于 2024 年 4 月以 Apache 2.0 许可证发布，总参数 1410 亿，每个 token 激活 390 亿。训练一共用了约 90 万 GPU 小时，按云上价格折合约 200 万美元。社区在一周内就放出了多个量化版本。
`;

const TABLE = `# 选型对照表

## 候选模型
| 项目 | Mixtral-8x22B | Llama 3 70B |
| --- | --- | --- |
| 参数量 | 141B（激活 39B） | 70B |
| 上下文 | 64K | 8K |
| 许可证 | Apache 2.0 | Llama 3 社区许可证 |
| 推理显存 | 约 260GB（FP16） | 约 140GB（FP16） |
`;

const MISTRAL = `# 欧洲的大模型公司

## Mistral AI
Mistral AI 成立于 2023 年，总部在巴黎。它先后发布了 Mistral 7B 和 Mixtral 系列，同时通过 API 提供闭源的 Mistral Large。
`;

/** Articles that make 训练 a word several passages use, as it is in a real corpus. */
const TRAINING = `# 大模型训练的几点经验

## 数据
训练数据的质量比数量更重要，去重和过滤要在训练开始前做完。

## 检查点
长时间训练要定期保存检查点，节点故障后才能从最近的检查点恢复训练。
`;

const SERVING = `# 推理服务上线清单

## 显存
上线前先按最长上下文估算 KV Cache 的显存占用。

## 并发
并发数要在压测里逐步调高，观察首 token 延迟的变化。

## 监控
延迟、错误率和 GPU 利用率都要接入告警。
`;

const t = indexedAppWith({
  "release.md": RELEASE,
  "table.md": TABLE,
  "mistral.md": MISTRAL,
  "training.md": TRAINING,
  "serving.md": SERVING,
});

describe("a name given once in a passage", () => {
  it("makes the passage's later sentences about it", async () => {
    const cost = await t.app.answerer.ask("Mixtral-8x22B 训练一共花了多少钱？");
    expect(cost.refused).toBe(false);
    // Among the first points, ahead of table rows that repeat the name but say nothing of training.
    expect(cost.answer.split("\n").slice(0, 2).join("\n")).toContain("200 万美元");
  });

  it("does not make a passage's other sentences about a general word it mentions once", async () => {
    // 量化 is said once, in its own sentence: the release sentence is not about it.
    const quantised = await t.app.answerer.ask("Mixtral-8x22B 有量化版本吗？");
    expect(quantised.refused).toBe(false);
    const first = quantised.answer.split("\n")[0] ?? "";
    expect(first).toContain("量化版本");
  });
});
