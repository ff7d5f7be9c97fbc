/**
 * What the Discord front end says on top of the shared messages (src/chat/i18n.ts): the words
 * that name Discord's own controls, i.e. slash commands, mentions and the Manage Server permission.
 */
import { MESSAGES as CHAT_MESSAGES, type Messages as ChatMessages } from "../chat/i18n.js";
import type { Language } from "../types.js";

export interface Messages extends ChatMessages {
  emptyQuestion: string;
  reindexRefused: string;
  helpTitle: string;
  /** Access refusals (src/discord/access.ts), shown privately to the user of a slash command or button. */
  notAllowedHere: string;
  dmsDisabled: string;
  notAllowed: string;
  helpBody(maxQuestionLength: number, cooldownSeconds: number): string;
}

export const MESSAGES: Record<Language, Messages> = {
  zh: {
    ...CHAT_MESSAGES.zh,
    emptyQuestion:
      "请在命令或提及后写上问题，例如：`/ask question: 开源大模型有哪些优势？` 或 `@机器人 开源和闭源哪个更安全？`",
    reindexRefused: "只有拥有“管理服务器”权限的成员才能重建索引。",
    helpTitle: "使用帮助",
    notAllowedHere: "这里不能使用本机器人，请到允许的频道提问。",
    dmsDisabled: "本机器人不在私信中回答，请在服务器里提问。",
    notAllowed: "抱歉，你没有使用本机器人的权限。",
    helpBody: (max, cd) =>
      [
        "我根据一组关于开源与闭源大模型的中文文章回答问题，并用 [n] 标注出处。",
        "",
        `• \`/ask question:\` 提问（最多 ${max} 字${cd > 0 ? `，每 ${cd} 秒一次` : ""}）`,
        "• 在频道里 @我 并写上问题，或直接私信我",
        "• 回复我的回答（或在子区里 @我）可以追问",
        "• `/sources` 查看索引中的文章",
        "• `/reindex` 重新导入文章（需要“管理服务器”权限）",
        "• `/addarticle file:` 添加一篇文章（.md、.txt 或 .html），`/removearticle name:` 删除一篇（需要“管理服务器”权限）",
        "",
        "回答下方的按钮可以查看引用的原文段落，或评价回答。",
      ].join("\n"),
  },
  en: {
    ...CHAT_MESSAGES.en,
    emptyQuestion:
      "Please include a question, e.g. `/ask question: What are the advantages of open-source LLMs?` or `@bot Which is safer, open or closed models?`",
    reindexRefused: "Only members with the Manage Server permission can rebuild the index.",
    helpTitle: "Help",
    notAllowedHere: "The bot can't be used here; please ask in a channel where it is allowed.",
    dmsDisabled: "The bot doesn't answer in DMs; please ask in the server.",
    notAllowed: "Sorry, you don't have permission to use this bot.",
    helpBody: (max, cd) =>
      [
        "I answer questions about open- vs closed-source LLMs from a set of Chinese articles, citing them as [n].",
        "",
        `• \`/ask question:\` ask (up to ${max} characters${cd > 0 ? `, once every ${cd} s` : ""})`,
        "• @mention me with a question in a channel, or DM me",
        "• Reply to my answer (or @mention me in a thread) to ask a follow-up",
        "• `/sources` lists the articles in the index",
        "• `/reindex` re-imports the articles (needs Manage Server)",
        "• `/addarticle file:` adds an article (.md, .txt or .html), `/removearticle name:` removes one (needs Manage Server)",
        "",
        "The buttons under an answer show the cited passages or rate the answer.",
      ].join("\n"),
  },
};
