/**
 * /addarticle and /removearticle: the operator adds or removes an article without shell access.
 * Both need Manage Server (checked here too: server admins can change who sees a command), share
 * /reindex's one-at-a-time flag, and run the incremental ingest in the ingest child process, so the bot
 * keeps answering from the current build meanwhile. Every change is logged with who made it.
 */
import { rm } from "node:fs/promises";
import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  escapeMarkdown,
  MessageFlags,
  PermissionFlagsBits,
} from "discord.js";
import { presentError } from "../../chat/errors.js";
import { createThrottledEditor } from "../../chat/throttle.js";
import {
  attachmentOrigins,
  type CheckedUpload,
  checkUpload,
  downloadAttachment,
  type FetchLike,
  listArticleSources,
  type RemovedArticle,
  removeArticleFile,
  sanitiseFileName,
  saveUpload,
  UploadRefusedError,
} from "../../corpus/upload.js";
import { formatIngestSummary, type IngestSummary } from "../../ingest/summary.js";
import { languageFromLocale } from "../../text/language.js";
import { noMentions } from "../client.js";
import type { BotContext } from "../context.js";
import { LIMITS } from "../limits.js";
import { ARTICLE_MESSAGES, type ArticleMessages } from "./article-messages.js";

/** What the article commands need from the app; without it they say they are not enabled. */
export interface ArticleDeps {
  /** The incremental ingest (in the ingest child process), reporting lines of progress. */
  ingest(onProgress: (line: string) => void): Promise<IngestSummary>;
  /** Downloads attachments (only from Discord's origins; see downloadAttachment). */
  fetch: FetchLike;
}

type Interaction = ChatInputCommandInteraction | AutocompleteInteraction;

function mayManageArticles(interaction: Interaction): boolean {
  return (
    interaction.inGuild() && (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false)
  );
}

/** Who did it, for the log: ids and the tag people know them by, never tokens or URLs. */
function actor(interaction: Interaction, command: string) {
  return {
    command,
    userId: interaction.user.id,
    userTag: interaction.user.tag,
    guildId: interaction.guildId,
  };
}

/** `/sources` as a clickable command mention when its id is known, else as text. */
function sourcesMention(interaction: ChatInputCommandInteraction): string {
  const find = (c: { name: string }) => c.name === "sources";
  const command =
    interaction.client.application?.commands.cache.find(find) ?? interaction.guild?.commands.cache.find(find);
  return command ? `</sources:${command.id}>` : "`/sources`";
}

const reply = (interaction: ChatInputCommandInteraction, content: string) =>
  interaction.deferred || interaction.replied
    ? interaction.editReply({ content: content.slice(0, LIMITS.content), allowedMentions: noMentions() })
    : interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: noMentions() });

/**
 * The checks every article command makes before touching anything, in order: permission,
 * availability, one change at a time. Returns the deps when the command may go on.
 */
async function admit(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
  t: ArticleMessages,
): Promise<ArticleDeps | null> {
  const who = actor(interaction, interaction.commandName);
  if (!mayManageArticles(interaction)) {
    ctx.logger.warn(who, `${interaction.commandName} refused: missing Manage Server`);
    await reply(interaction, t.refusedPermission);
    return null;
  }
  if (!ctx.articles) {
    await reply(interaction, t.unavailable);
    return null;
  }
  if (ctx.reindexing.running) {
    await reply(interaction, t.busy);
    return null;
  }
  return ctx.articles;
}

/** Runs the ingest with its progress lines shown under `header` in the deferred reply. */
async function ingestShowingProgress(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
  deps: ArticleDeps,
  header: string,
): Promise<IngestSummary> {
  const lines: string[] = [];
  const editor = createThrottledEditor(
    (content) => interaction.editReply({ content, allowedMentions: noMentions() }),
    {
      intervalMs: ctx.options.streamIntervalMs,
      clock: ctx.clock,
      onError: (err) => ctx.logger.warn({ err, command: interaction.commandName }, "progress edit failed"),
    },
  );
  editor.push(header);
  try {
    return await deps.ingest((line) => {
      lines.push(line);
      editor.push([header, ...lines.slice(-10)].join("\n").slice(0, LIMITS.content));
    });
  } finally {
    await editor.stop();
  }
}

/** Holds the one-change-at-a-time flag (shared with /reindex) while `work` runs. */
async function exclusively(ctx: BotContext, work: () => Promise<void>): Promise<void> {
  ctx.reindexing.running = true;
  try {
    await work();
  } finally {
    ctx.reindexing.running = false;
  }
}

export async function addArticle(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const lang = languageFromLocale(interaction.locale);
  const t = ARTICLE_MESSAGES[lang];
  const deps = await admit(interaction, ctx, t);
  if (!deps) return;
  const who = actor(interaction, "addarticle");
  const attachment = interaction.options.getAttachment("file", true);
  // Shown in code spans: a backtick in the name would end one early.
  const shownName = attachment.name.replace(/`/g, "'");
  await exclusively(ctx, async () => {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const { maxBytes, dir } = ctx.config.uploads;
    let upload: CheckedUpload;
    try {
      // The cheap refusals first: no download for a file that is refused by its name or size.
      sanitiseFileName(attachment.name);
      if (attachment.size > maxBytes)
        throw new UploadRefusedError({ kind: "too-large", bytes: attachment.size, maxBytes });
      await reply(interaction, t.downloading(shownName));
      const bytes = await downloadAttachment(attachment.url, {
        maxBytes,
        origins: attachmentOrigins(ctx.config.discord.apiUrl),
        fetch: deps.fetch,
      });
      upload = await checkUpload(
        { corpusDir: ctx.config.corpusDir, uploadDir: dir, maxBytes, chunking: ctx.config.chunking },
        { fileName: attachment.name, bytes },
      );
      await saveUpload(upload);
    } catch (err) {
      if (!(err instanceof UploadRefusedError)) throw err;
      ctx.logger.info({ ...who, file: attachment.name, refusal: err.refusal }, "article refused");
      await reply(interaction, t.refused(shownName, t.why(err.refusal)));
      return;
    }
    ctx.logger.info(
      { ...who, file: upload.source, bytes: upload.bytes.length, passages: upload.passages },
      "article added from Discord",
    );
    let summary: IngestSummary;
    try {
      summary = await ingestShowingProgress(interaction, ctx, deps, t.ingesting(upload.source));
    } catch (err) {
      await rm(upload.file, { force: true });
      ctx.logger.warn(
        { ...who, file: upload.source },
        "ingest after /addarticle failed: the file was taken out again",
      );
      await reply(
        interaction,
        `${t.ingestFailed(upload.source)}\n${presentError(err, lang, ctx.logger, who)}`,
      );
      return;
    }
    const details = {
      title: escapeMarkdown(upload.title),
      source: upload.source,
      passages: upload.passages,
      headings: upload.headings,
      removedBlocks: upload.removedBlocks,
    };
    await reply(
      interaction,
      [
        t.added(details),
        t.indexLine(formatIngestSummary(summary)),
        t.seeSources(sourcesMention(interaction)),
      ].join("\n"),
    );
  });
}

export async function removeArticle(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  const lang = languageFromLocale(interaction.locale);
  const t = ARTICLE_MESSAGES[lang];
  const deps = await admit(interaction, ctx, t);
  if (!deps) return;
  const who = actor(interaction, "removearticle");
  const name = interaction.options.getString("name", true);
  await exclusively(ctx, async () => {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    let removed: RemovedArticle;
    try {
      removed = await removeArticleFile(ctx.config.corpusDir, name);
    } catch (err) {
      if (!(err instanceof UploadRefusedError)) throw err;
      ctx.logger.info({ ...who, file: name, refusal: err.refusal }, "article removal refused");
      await reply(interaction, t.notRemoved(name, t.why(err.refusal)));
      return;
    }
    ctx.logger.info({ ...who, file: name }, "article removed from Discord");
    let summary: IngestSummary;
    try {
      summary = await ingestShowingProgress(interaction, ctx, deps, t.removing(name));
    } catch (err) {
      await removed.restore();
      ctx.logger.warn({ ...who, file: name }, "ingest after /removearticle failed: the file was put back");
      await reply(interaction, `${t.ingestFailed(name)}\n${presentError(err, lang, ctx.logger, who)}`);
      return;
    }
    await reply(interaction, [t.removed(name), t.indexLine(formatIngestSummary(summary))].join("\n"));
  });
}

/** Discord shows at most 25 choices, each name and value at most 100 characters. */
const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;

/** Autocomplete for /removearticle's name: the corpus's article files matching what was typed. */
export async function completeArticleName(
  interaction: AutocompleteInteraction,
  ctx: BotContext,
): Promise<void> {
  if (interaction.commandName !== "removearticle" || !mayManageArticles(interaction)) {
    await interaction.respond([]);
    return;
  }
  const typed = interaction.options.getFocused().toLowerCase();
  const sources = await listArticleSources(ctx.config.corpusDir);
  const choices = sources
    .filter((s) => s.length <= MAX_CHOICE_LENGTH && s.toLowerCase().includes(typed))
    .slice(0, MAX_CHOICES)
    .map((s) => ({ name: s, value: s }));
  await interaction.respond(choices);
}
