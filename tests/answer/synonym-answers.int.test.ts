/**
 * People ask in one word and articles answer in another: 便宜 / 省钱 / 划算, 部署 / 自建 /
 * 自托管, 隐私 / 数据不出…, 生态 / ecosystem, 选择 / 选型, 碰到 / 面临, 难题 / 挑战, conditions / 限制. The lexicon's synonyms
 * (src/text/lexicon/glossary.json: zhSynonyms, and the glossary for English) bridge them. Articles written for this test, not
 * captures; each also holds passages that use the question's own words without answering it.
 */
import { describe, expect, it } from "vitest";
import { indexedAppWith } from "../helpers/app.js";

const LEDGER = `# 小团队的模型账本

## 部署步骤
先在测试机上部署推理服务，确认显存够用，再部署到生产环境。部署脚本放在仓库的 ops 目录。

## 价格表
闭源 API 的价格按 token 计，输入和输出分开计价，价格每季度调整一次。

## 什么时候自建才合算
日调用量低于 3000 万 token 时，直接调用闭源 API 更省钱；只有调用量长期稳定在高位，自建开源模型才划算。
`;

const CLINIC = `# 诊所的本地模型

## 背景
我们是一家连锁诊所，去年开始用大模型整理病历摘要。

## 为什么不用云端
病历数据不出内网是硬性要求，所以只能在本地服务器上跑开源模型，闭源 API 直接排除。
`;

const ECOSYSTEM = `# Open weights, two years on

## Derivatives
A large ecosystem brings practical benefits: more hosting options, more ready-made adapters, and more engineers who already know the stack.

## Release cadence
Open-weight families now ship a new version roughly every six months.
`;

const SELECTION = `# 平台文档：模型选型

## 选型要看什么
先看数据能否出境，再看调用量是否稳定，最后看团队有没有运维推理服务的人手。

## 计费说明
按月结算，账单在次月五日前发出。
`;

const LICENCES = `# 常见开放权重模型的许可证

## 对照表
| 模型 | 许可证 | 主要限制 |
| --- | --- | --- |
| Falcon 40B | Apache 2.0 | 保留版权声明 |
| Yi-34B | Yi 社区许可 | 商用需先登记，月活超 1 亿需另行授权 |

## 许可证的发展
早期的开放权重模型多用研究许可，后来越来越多改用宽松许可。
`;

const CHALLENGES = `# 两条路线的共同课题

## 面临的挑战
无论开源还是闭源，大模型都面临算力成本高和评测标准不统一的挑战。

## 路线图
明年的重点是多语言和长上下文。
`;

const t = indexedAppWith({
  "ledger.md": LEDGER,
  "clinic.md": CLINIC,
  "ecosystem.md": ECOSYSTEM,
  "selection.md": SELECTION,
  "licences.md": LICENCES,
  "challenges.md": CHALLENGES,
});

describe("a question and an article in different words", () => {
  it.each([
    ["便宜 reaches 省钱 and 划算, 部署 reaches 自建", "自己部署开源模型真的比闭源 API 便宜吗？", "3000 万"],
    ["隐私 reaches 数据不出…", "开源模型在隐私方面有什么好处？", "数据不出内网"],
    ["生态 reaches an English passage about the ecosystem", "开源模型的生态有什么好处？", "hosting options"],
    ["选择 reaches 选型", "在开源和闭源之间做选择，要看哪些方面？", "数据能否出境"],
    [
      "an English 'conditions' reaches a Chinese 限制 column",
      "Which licenses put conditions on commercial use of open-weight models?",
      "月活超 1 亿",
    ],
    ["碰到…难题 reaches 面临…挑战", "不管开源还是闭源，大模型都会碰到哪些共同的难题？", "评测标准不统一"],
  ])("%s", async (_, question, expected) => {
    const r = await t.app.answerer.ask(question);
    expect(r.refused).toBe(false);
    expect(r.answer).toContain(expected);
  });
});
