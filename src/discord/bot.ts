/**
 * createBot wires the discord.js Client to the handlers. Each entry point (slash command, button,
 * message) has exactly one catch that decides, via presentError, what the user sees; every
 * promise started from an event is tracked, so stop() can let answers in flight finish before
 * the client goes away.
 */
import {
  type APIInteractionGuildMember,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  Events,
  type GuildMember,
  type Interaction,
  type Message,
  MessageFlags,
  RESTEvents,
} from "discord.js";
import { createChatContext } from "../chat/context.js";
import { presentError, ShuttingDownError } from "../chat/errors.js";
import { detectLanguage, languageFromLocale } from "../text/language.js";
import { decideAccess, describeAccess, type RefusalReason, type Requester } from "./access.js";
import { handleButton } from "./buttons.js";
import { createDiscordClient, noMentions } from "./client.js";
import { completeArticleName } from "./commands/articles.js";
import { COMMAND_HANDLERS } from "./commands/handlers.js";
import { isCommandName } from "./commands/registry.js";
import { type BotContext, type BotDeps, DEFAULT_BOT_OPTIONS } from "./context.js";
import { GatewayClosedError, isFatalCloseShardError, isFatalGatewayClose } from "./gateway-close.js";
import { writeHealthFileWhileReady } from "./health.js";
import { handleMention, isAddressedToBot, MessageReplyTarget } from "./mentions.js";
import { MESSAGES } from "./messages.js";

export interface Bot {
  readonly client: Client;
  readonly context: BotContext;
  /**
   * Logs in and resolves once the gateway says READY; rejects with GatewayClosedError if Discord
   * closes the gateway for good first (bad token, intents).
   */
  start(token: string): Promise<void>;
  /**
   * Resolves, once and only if, Discord closes the gateway for good (close codes 4004, 4010-4014),
   * before or after READY. The bot has logged the reason and the fix; the process should exit
   * with a failure, since discord.js will not reconnect.
   */
  readonly fatal: Promise<GatewayClosedError>;
  /**
   * Stops taking new work, lets answers in flight finish (up to `timeoutMs`, then aborts them),
   * and destroys the client. Safe to call twice. `now` (a second SIGTERM) ends the grace period
   * at once, also for a stop already waiting: answers in flight and questions still in the queue
   * are aborted, and their users are told the bot is restarting and to ask again.
   */
  stop(options?: { timeoutMs?: number; now?: boolean }): Promise<void>;
}

const sleep = (ms: number) =>
  new Promise<"timeout">((resolve) => {
    setTimeout(() => resolve("timeout"), ms).unref();
  });

/** How long aborted work gets to tell its users (one short edit or reply each) before the client goes. */
const TELL_USERS_MS = 3000;

export function createBot(deps: BotDeps): Bot {
  const { config, logger } = deps;
  const options = { ...DEFAULT_BOT_OPTIONS, ...deps.options };
  const clock = deps.clock ?? Date.now;
  const abort = new AbortController();
  let closing = false;
  let stopping: Promise<void> | null = null;
  let hurry: () => void = () => {};
  const hurried = new Promise<"now">((resolve) => {
    hurry = () => resolve("now");
  });
  const inFlight = new Set<Promise<void>>();
  /**
   * For each command or mention still being handled, how to tell its user the bot is restarting:
   * used at shutdown for work that did not wind down when aborted (a model that ignores the abort).
   */
  const unanswered = new Set<() => Promise<unknown>>();

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
  let endFatally: (err: GatewayClosedError) => void = () => {};
  const fatal = new Promise<GatewayClosedError>((resolve) => {
    endFatally = resolve;
  });
  const health = writeHealthFileWhileReady(client, config.healthFile, logger);

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
    const tellRestarting = () => replyWithError(interaction, MESSAGES[lang].shuttingDown);
    unanswered.add(tellRestarting);
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
    } finally {
      unanswered.delete(tellRestarting);
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
    // Refused mentions and DMs get no answer at all: a reply would make the bot talk where it was kept out.
    const refused = refusalFor(messageRequester(message));
    if (refused) {
      logger.debug(
        { reason: refused, userId: message.author.id, channelId: message.channelId },
        "access refused",
      );
      return;
    }
    const context = {
      command: "mention",
      userId: message.author.id,
      guildId: message.guildId,
      channelId: message.channelId,
      messageId: message.id,
    };
    const target = new MessageReplyTarget(message);
    const tellRestarting = () => target.say(MESSAGES[detectLanguage(message.content)].shuttingDown);
    unanswered.add(tellRestarting);
    try {
      if (closing) throw new ShuttingDownError();
      await handleMention(message, ctx, target);
    } catch (err) {
      const content = presentError(err, detectLanguage(message.content), logger, context);
      await target
        .say(content)
        .catch((e: unknown) => logger.warn({ ...context, err: e }, "could not tell the user about an error"));
    } finally {
      unanswered.delete(tellRestarting);
    }
  }

  /** The access rules (src/discord/access.ts) applied to one request; null: allowed. */
  const refusalFor = (who: Requester): RefusalReason | null => {
    const decision = decideAccess(config.access, who);
    return decision.allowed ? null : decision.reason;
  };

  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    if (interaction.isChatInputCommand() || interaction.isButton()) {
      const refused = refusalFor(interactionRequester(interaction));
      if (refused) {
        const what = { reason: refused, userId: interaction.user.id, channelId: interaction.channelId };
        logger.debug(what, "access refused");
        track(refuseInteraction(interaction, refused), what);
        return;
      }
    }
    if (interaction.isChatInputCommand()) {
      track(onCommand(interaction), { command: interaction.commandName, userId: interaction.user.id });
    } else if (interaction.isButton()) {
      track(onButton(interaction), { command: "button", userId: interaction.user.id });
    } else if (interaction.isAutocomplete()) {
      // Someone the access rules refuse is offered no article names.
      if (refusalFor(interactionRequester(interaction))) {
        track(
          interaction.respond([]).then(() => {}),
          { command: "autocomplete", userId: interaction.user.id },
        );
        return;
      }
      track(completeArticleName(interaction, ctx), { command: "autocomplete", userId: interaction.user.id });
    }
  });
  client.on(Events.MessageCreate, (message: Message) => {
    track(onMessage(message), { command: "mention", userId: message.author.id });
  });
  // Without an error listener, an error event kills the process; with it, the bot stays up.
  client.on(Events.Error, (err) => logger.error({ err }, "discord client error"));
  client.on(Events.Warn, (msg) => logger.warn({ msg }, "discord client warning"));
  client.on(Events.ShardError, (err, shardId) => {
    if (isFatalCloseShardError(err)) logger.debug({ err, shardId }, "gateway error before a fatal close");
    else logger.error({ err, shardId }, "gateway connection error");
  });
  client.on(Events.ShardDisconnect, (event, shardId) => {
    if (isFatalGatewayClose(event.code)) {
      // One line that says what to change: nothing else helps, and discord.js will not retry.
      const err = new GatewayClosedError(event.code);
      logger.fatal({ code: event.code, shardId }, err.message);
      endFatally(err);
      return;
    }
    logger.warn({ code: event.code, shardId }, "gateway disconnected");
  });
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
    fatal,
    async start(token) {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await Promise.race([client.login(token).then(() => ready), fatal.then((err) => Promise.reject(err))]);
      logger.info(
        {
          user: client.user?.tag,
          guilds: client.guilds.cache.size,
          concurrency: config.chat.answerConcurrency,
          access: describeAccess(config.access),
        },
        "discord bot ready",
      );
    },
    stop({ timeoutMs = options.shutdownTimeoutMs, now = false } = {}) {
      if (now) hurry();
      stopping ??= (async () => {
        closing = true;
        ctx.queue.close();
        await health.stop();
        logger.info(
          { inFlight: inFlight.size, waiting: ctx.queue.waiting },
          "stopping: finishing answers in flight",
        );
        const settled = Promise.allSettled([...inFlight]).then(() => "done" as const);
        const outcome = await Promise.race([settled, sleep(timeoutMs), hurried]);
        if (outcome !== "done") {
          logger.warn(
            { inFlight: inFlight.size, waiting: ctx.queue.waiting },
            outcome === "now"
              ? "stopping now: aborting answers in flight and telling their users to ask again"
              : "stopping: answers still running after the grace period; aborting",
          );
          abort.abort();
          // Questions still waiting for a slot would otherwise start (and be refused) only once a
          // running answer gives up; they are told now.
          ctx.queue.abandonWaiting();
          // Aborted work tells its user (presentError: "restarting, please ask again") before the connection goes.
          await Promise.race([Promise.allSettled([...inFlight]), sleep(TELL_USERS_MS)]);
          if (unanswered.size > 0) {
            logger.warn(
              { stuck: unanswered.size },
              "stopping: work ignored the abort; telling its users directly",
            );
            const telling = [...unanswered].map((tell) => tell());
            await Promise.race([Promise.allSettled(telling), sleep(TELL_USERS_MS)]);
          }
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

/** A refused slash command or button: one private line in the user's Discord language. */
async function refuseInteraction(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  reason: RefusalReason,
) {
  const t = MESSAGES[languageFromLocale(interaction.locale)];
  const content =
    reason === "channel-not-allowed"
      ? t.notAllowedHere
      : reason === "dms-disabled"
        ? t.dmsDisabled
        : t.notAllowed;
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: noMentions() });
}

function memberRoleIds(member: GuildMember | APIInteractionGuildMember | null): string[] {
  if (!member) return [];
  // A member of an uncached guild arrives as raw API data, its roles as plain ids.
  return Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
}

function interactionRequester(
  interaction: ChatInputCommandInteraction | ButtonInteraction | AutocompleteInteraction,
): Requester {
  const channel = interaction.channel;
  return {
    userId: interaction.user.id,
    dm: interaction.guildId === null,
    channelId: interaction.channelId,
    parentChannelId: channel?.isThread() ? channel.parentId : null,
    roleIds: memberRoleIds(interaction.member),
  };
}

function messageRequester(message: Message): Requester {
  return {
    userId: message.author.id,
    dm: message.guildId === null,
    channelId: message.channelId,
    parentChannelId: message.channel.isThread() ? message.channel.parentId : null,
    roleIds: memberRoleIds(message.member),
  };
}
