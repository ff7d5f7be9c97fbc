/**
 * Slash command definitions: data only, kept apart from their handlers. The bot and
 * `scripts/register-commands.ts` both read this one list, so what Discord shows and what the bot
 * handles cannot drift apart (handlers.ts is typed against COMMAND_NAMES).
 */
import {
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
} from "discord.js";
import type { Config } from "../../config.js";

export const COMMAND_NAMES = ["ask", "sources", "help", "reindex", "addarticle", "removearticle"] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

/** The settings the definitions depend on (the question length limit). */
export type CommandSettings = Pick<Config["chat"], "maxQuestionLength">;

const EVERYWHERE = [InteractionContextType.Guild, InteractionContextType.BotDM];

export function commandDefinitions(
  settings: CommandSettings,
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const ask = new SlashCommandBuilder()
    .setName("ask")
    .setNameLocalizations({ "zh-CN": "提问" })
    .setDescription("Ask a question about open- vs closed-source LLMs; the answer cites its sources")
    .setDescriptionLocalizations({ "zh-CN": "就开源与闭源大模型提问，回答会标注出处" })
    .setContexts(EVERYWHERE)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addStringOption((o) =>
      o
        .setName("question")
        .setNameLocalizations({ "zh-CN": "问题" })
        .setDescription("Your question, in Chinese or English")
        .setDescriptionLocalizations({ "zh-CN": "你的问题（中文或英文）" })
        .setRequired(true)
        .setMaxLength(settings.maxQuestionLength),
    );

  const sources = new SlashCommandBuilder()
    .setName("sources")
    .setNameLocalizations({ "zh-CN": "来源" })
    .setDescription("List the articles the bot answers from")
    .setDescriptionLocalizations({ "zh-CN": "列出机器人所依据的文章" })
    .setContexts(EVERYWHERE)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall);

  const help = new SlashCommandBuilder()
    .setName("help")
    .setNameLocalizations({ "zh-CN": "帮助" })
    .setDescription("How to use this bot")
    .setDescriptionLocalizations({ "zh-CN": "机器人使用说明" })
    .setContexts(EVERYWHERE)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall);

  const reindex = new SlashCommandBuilder()
    .setName("reindex")
    .setNameLocalizations({ "zh-CN": "重建索引" })
    .setDescription("Re-import changed articles into the index (Manage Server only)")
    .setDescriptionLocalizations({ "zh-CN": "增量重新导入文章（仅限“管理服务器”权限）" })
    // Hidden from members without Manage Server; the handler checks again, since server admins can
    // override who sees a command.
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall);

  // Manage Server only, like /reindex: they change what the bot answers from.
  const addarticle = new SlashCommandBuilder()
    .setName("addarticle")
    .setNameLocalizations({ "zh-CN": "添加文章" })
    .setDescription("Add an article (.md, .txt or .html) to the corpus and index it (Manage Server only)")
    .setDescriptionLocalizations({
      "zh-CN": "向文章库添加一篇文章（.md、.txt 或 .html）并导入（仅限“管理服务器”权限）",
    })
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addAttachmentOption((o) =>
      o
        .setName("file")
        .setNameLocalizations({ "zh-CN": "文件" })
        .setDescription("The article as captured: .md, .txt or .html")
        .setDescriptionLocalizations({ "zh-CN": "原样保存的文章：.md、.txt 或 .html" })
        .setRequired(true),
    );

  const removearticle = new SlashCommandBuilder()
    .setName("removearticle")
    .setNameLocalizations({ "zh-CN": "删除文章" })
    .setDescription("Remove an article from the corpus and the index (Manage Server only)")
    .setDescriptionLocalizations({ "zh-CN": "从文章库和索引中删除一篇文章（仅限“管理服务器”权限）" })
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addStringOption((o) =>
      o
        .setName("name")
        .setNameLocalizations({ "zh-CN": "文件名" })
        .setDescription("The article's file in the corpus")
        .setDescriptionLocalizations({ "zh-CN": "文章在文章库中的文件名" })
        .setRequired(true)
        .setAutocomplete(true),
    );

  return [ask, sources, help, reindex, addarticle, removearticle].map((b) => b.toJSON());
}
