/**
 * createBot wires the discord.js Client to the handlers. Each entry point (slash command, button,
 * message) has exactly one catch that decides, via presentError, what the user sees; every
 * promise started from an event is tracked, so stop() can let answers in flight finish before
 * the client goes away.
 */
import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  Events,
  type Interaction,
  type Message,
  MessageFlags,
  RESTEvents,
} from "discord.js";
import { createChatContext } from "../chat/context.js";
import { presentError, ShuttingDownError } from "../chat/errors.js";
import { detectLanguage, languageFromLocale } from "../text/language.js";
import { handleButton } from "./buttons.js";
import { createDiscordClient, noMentions } from "./client.js";
import { completeArticleName } from "./commands/articles.js";
import { COMMAND_HANDLERS } from "./commands/handlers.js";
import { isCommandName } from "./commands/registry.js";
import { type BotContext, type BotDeps, DEFAULT_BOT_OPTIONS } from "./context.js";
import { handleMention, isAddressedToBot, MessageReplyTarget } from "./mentions.js";

export interface Bot {
  readonly client: Client;
  readonly context: BotContext;
  /** Logs in and resolves once the gateway says READY. */
  start(token: string): Promise<void>;
  /**
   * Stops taking new work, lets answers in flight finish (up to `timeoutMs`, then aborts them),
   * and destroys the client. Safe to call twice.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

const sleep = (ms: number) =>
  new Promise<"timeout">((resolve) => {
    setTimeout(() => resolve("timeout"), ms).unref();
  });

export function createBot(deps: BotDeps): Bot {
  const { config, logger } = deps;
  const options = { ...DEFAULT_BOT_OPTIONS, ...deps.options };
  const clock = deps.clock ?? Date.now;
  const abort = new AbortController();
  let closing = false;
  let stopping: Promise<void> | null = null;
  const inFlight = new Set<Promise<void>>();

  const ctx: BotContext = {
    ...createChatContext({ config, logger, answerer: deps.answerer, clock, options, signal: abort.signal }),
    config,
    options,
    // Called through the deps object so implementations that use `this` keep working.
    describeIndex: () => deps.describeIndex(),
    reindex: (onProgress) => deps.reindex(onProgress),
    isClosing: () => closing,
    reindexing: { running: false },
    modelProblems: deps.modelProblems ?? [],
    ...(deps.articles ? { articles: deps.articles } : {}),
  };

  const client = createDiscordClient(config);

  /** Runs an event's work so that stop() can wait for it and no rejection escapes. */
  const track = (work: Promise<void>, what: Record<string, unknown>) => {
    const p = work.catch((err: unknown) => logger.error({ ...what, err }, "event handler failed"));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const question =
      interaction.commandName === "ask" ? (interaction.options.getString("question") ?? "") : "";
    const lang = question.trim() ? detectLanguage(question) : languageFromLocale(interaction.locale);
    const context = {
      command: interaction.commandName,
      userId: interaction.user.id,
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      interactionId: interaction.id,
    };
    try {
      if (closing) throw new ShuttingDownError();
      const name = interaction.commandName;
      if (!isCommandName(name)) {
        logger.warn(context, "unknown command (stale registration?)");
        throw new Error(`unknown command ${name}`);
      }
      logger.debug(context, "command received");
      await COMMAND_HANDLERS[name](interaction, ctx);
    } catch (err) {
      const content = presentError(err, lang, logger, context);
      await replyWithError(interaction, content).catch((e: unknown) =>
        logger.warn({ ...context, err: e }, "could not tell the user about an error"),
      );
    }
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    const context = { command: "button", customId: interaction.customId, userId: interaction.user.id };
    try {
      if (closing) throw new ShuttingDownError();
      const handled = await handleButton(interaction, ctx);
      if (!handled) logger.debug(context, "ignored a button that is not ours");
    } catch (err) {
      const content = presentError(err, languageFromLocale(interaction.locale), logger, context);
      await replyWithError(interaction, content).catch((e: unknown) =>
        logger.warn({ ...context, err: e }, "could not tell the user about an error"),
      );
    }
  }

  async function onMessage(message: Message): Promise<void> {
    const selfId = client.user?.id;
    if (!selfId || !isAddressedToBot(message, selfId)) return;
    const context = {
      command: "mention",
      userId: message.author.id,
      guildId: message.guildId,
      channelId: message.channelId,
      messageId: message.id,
    };
    const target = new MessageReplyTarget(message);
    try {
      if (closing) throw new ShuttingDownError();
      await handleMention(message, ctx, target);
    } catch (err) {
      const content = presentError(err, detectLanguage(message.content), logger, context);
      await target
        .say(content)
        .catch((e: unknown) => logger.warn({ ...context, err: e }, "could not tell the user about an error"));
    }
  }

  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    if (interaction.isChatInputCommand()) {
      track(onCommand(interaction), { command: interaction.commandName, userId: interaction.user.id });
    } else if (interaction.isButton()) {
      track(onButton(interaction), { command: "button", userId: interaction.user.id });
    } else if (interaction.isAutocomplete()) {
      track(completeArticleName(interaction, ctx), { command: "autocomplete", userId: interaction.user.id });
    }
  });
  client.on(Events.MessageCreate, (message: Message) => {
    track(onMessage(message), { command: "mention", userId: message.author.id });
  });
  // Without an error listener, an error event kills the process; with it, the bot stays up.
  client.on(Events.Error, (err) => logger.error({ err }, "discord client error"));
  client.on(Events.Warn, (msg) => logger.warn({ msg }, "discord client warning"));
  client.on(Events.ShardError, (err, shardId) => logger.error({ err, shardId }, "gateway connection error"));
  client.on(Events.ShardDisconnect, (event, shardId) =>
    logger.warn({ code: event.code, shardId }, "gateway disconnected"),
  );
  client.on(Events.ShardReconnecting, (shardId) => logger.info({ shardId }, "gateway reconnecting"));
  client.rest.on(RESTEvents.RateLimited, (info) =>
    logger.debug(
      { route: info.route, retryAfter: info.retryAfter, global: info.global },
      "rate limited by Discord",
    ),
  );

  return {
    client,
    context: ctx,
    async start(token) {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(token);
      await ready;
      logger.info(
        {
          user: client.user?.tag,
          guilds: client.guilds.cache.size,
          concurrency: config.chat.answerConcurrency,
        },
        "discord bot ready",
      );
    },
    stop({ timeoutMs = options.shutdownTimeoutMs } = {}) {
      stopping ??= (async () => {
        closing = true;
        ctx.queue.close();
        logger.info(
          { inFlight: inFlight.size, waiting: ctx.queue.waiting },
          "stopping: finishing answers in flight",
        );
        const settled = Promise.allSettled([...inFlight]).then(() => "done" as const);
        if ((await Promise.race([settled, sleep(timeoutMs)])) === "timeout") {
          logger.warn(
            { inFlight: inFlight.size },
            "stopping: answers still running after the grace period; aborting",
          );
          abort.abort();
          // Give aborted work a moment to tell its users before the connection goes.
          await Promise.race([Promise.allSettled([...inFlight]), sleep(2000)]);
        }
        await client.destroy();
        logger.info("discord bot stopped");
      })();
      return stopping;
    },
  };
}

/** Shows an error where the user is looking: the deferred reply, or an ephemeral reply. */
async function replyWithError(interaction: ChatInputCommandInteraction | ButtonInteraction, content: string) {
  if (interaction.deferred || interaction.replied) {
    await interaction.editReply({ content, embeds: [], components: [], allowedMentions: noMentions() });
  } else {
    await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: noMentions() });
  }
}
