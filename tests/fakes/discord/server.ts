/**
 * FakeDiscord: a local Discord (REST under /api/v10 + a JSON gateway) that the REAL discord.js
 * Client talks to in tests and benchmarks. It listens on 127.0.0.1, port 0, and never forwards
 * anything. Behaviour follows ../shared/notes/discord-wire.md (checked against discord.js 14.28).
 *
 * ## Starting
 *   const fake = await FakeDiscord.start({ ackDeadlineMs?: 3000, retryAfterSeconds?: 0.25 });
 *   config: DISCORD_API_URL = fake.apiUrl, DISCORD_TOKEN = fake.token
 *   await bot.start(fake.token); await fake.waitForReady();
 *   await fake.close();   // after the client is destroyed
 *
 * ## World
 *   fake.ids            application, bot, guild, textChannel, thread (a public thread under
 *                       textChannel), otherChannel, everyoneRole, botRole, memberRole
 *   fake.user(name)     a stable FakeUser per name (numeric snowflake id)
 *   fake.dmChannelId(user)  the DM channel between the bot and that user
 *
 * ## Driving the client (each returns at once; the client reacts asynchronously)
 *   fake.slashCommand({ name, options?, user?, permissions?: "member" | "admin" | bigint,
 *                       dm?, channelId?, locale?, roles? })        → FakeInteraction
 *   fake.click({ customId, messageId, user?, permissions?, roles? }) → FakeInteraction (type 3)
 *   fake.slashCommand({ …, attachments: { file: { filename, bytes, url? } } })  an attachment
 *                       option (type 11, in data.resolved); the fake serves its bytes at its url
 *   fake.autocomplete({ name, option, value, user?, permissions? }) → FakeInteraction (type 4);
 *                       the bot's choices are in ack.data.choices (callback type 8)
 *   fake.postMessage({ content, user?, channelId?, dm?, replyTo?, mentionsBot?, roles? }) → FakeMessage
 *   fake.mention(question, opts?)      guild message "<@bot> question" that mentions the bot
 *   fake.dm(question, opts?)           a DM to the bot
 *   Without the MessageContent intent in IDENTIFY, guild messages that do not mention the bot
 *   arrive (and are fetched) with empty content, as on real Discord.
 *
 * ## Observing
 *   fake.requests       every REST request: { method, path, query, body, at, status }
 *   fake.violations     requests Discord would reject: over-limit content/embeds (400, code
 *                       50035), empty messages (50006), late (10062) or double (40060) acks
 *   fake.identifies     IDENTIFY payloads (token excluded): check intents
 *   fake.interaction(id) / fake.interactions   acks (type, flags, latencyMs), the current
 *                       original response, follow-ups, count of accepted edits
 *   fake.channelMessages(channelId) / fake.message(id) / fake.repliesTo(messageId)
 *   fake.messageWrites() REST requests that create or edit a message (for allowed_mentions checks)
 *   fake.ackLatencies()  dispatch → callback times in ms
 *   fake.registeredCommands  bodies of PUT …/commands (global and per guild); GET returns them
 *   fake.waitFor(fn, timeoutMs?)  polls until fn returns a truthy value, returns it
 *
 * ## Faults
 *   fake.rateLimitEdits(share, retryAfterSeconds?)  answers that share of message edits (PATCH)
 *                       with 429 + Retry-After, deterministically (e.g. 0.3 → 3 of every 10)
 *   FakeDiscord.start({ closeOnIdentify: 4014 })  closes the gateway on IDENTIFY with that code
 *   fake.closeGateway(code)  closes every gateway connection with that code (after READY)
 *   fake.expireInteraction(id)  forgets an interaction's token: later webhook calls get 404
 *                       Unknown Webhook, as after Discord's 15 minutes
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type { APIEmbed } from "discord.js";
import { WebSocket, WebSocketServer } from "ws";

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: null;
  bot?: boolean;
}

/** A message as the fake stores it (API JSON shape plus a little bookkeeping). */
export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: FakeUser;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  embeds: APIEmbed[];
  components: unknown[];
  mentions: FakeUser[];
  flags: number;
  type: number;
  message_reference?: { message_id: string; channel_id: string; guild_id?: string };
  webhook_id?: string;
  application_id?: string;
  /** Bookkeeping, not sent: accepted edits and whether only its recipient can see it. */
  edits: number;
  ephemeral: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Decoded path after /api/v10, e.g. /webhooks/1/tok/messages/@original */
  path: string;
  query: Record<string, string>;
  body: unknown;
  at: number;
  status: number;
}

export interface Violation {
  at: number;
  method: string;
  path: string;
  code: number;
  problems: string[];
}

export interface FakeInteraction {
  id: string;
  token: string;
  kind: "command" | "button" | "autocomplete";
  name?: string;
  customId?: string;
  userId: string;
  channelId: string;
  dispatchedAt: number;
  ack?: {
    type: number;
    flags: number;
    at: number;
    latencyMs: number;
    data: Record<string, unknown> | undefined;
  };
  /** The response message as it is now (after all accepted edits). */
  original: FakeMessage | null;
  followUps: FakeMessage[];
}

export interface FakeDiscordOptions {
  /** Acknowledgements later than this are refused with 10062, as Discord does after 3 s. */
  ackDeadlineMs?: number;
  /** Default Retry-After for injected 429s. */
  retryAfterSeconds?: number;
  /** Answer every IDENTIFY by closing the gateway with this code (4004, 4010-4014: fatal ones). */
  closeOnIdentify?: number;
}

const API_PREFIX = "/api/v10";
/** Discord's reasons for its fatal gateway close codes. */
const CLOSE_REASONS: Record<number, string> = {
  4004: "Authentication failed.",
  4010: "Invalid shard.",
  4011: "Sharding required.",
  4012: "Invalid API version.",
  4013: "Invalid intent(s).",
  4014: "Disallowed intent(s).",
};
const DISCORD_EPOCH = 1_420_070_400_000n;
const MESSAGE_CONTENT_INTENT = 1 << 15;
const FLAG_EPHEMERAL = 64;
const FLAG_LOADING = 128;

const P = {
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  embedLinks: 1n << 14n,
  readHistory: 1n << 16n,
  useCommands: 1n << 31n,
  sendInThreads: 1n << 38n,
  manageGuild: 1n << 5n,
};
const MEMBER_PERMISSIONS =
  P.viewChannel | P.sendMessages | P.embedLinks | P.readHistory | P.useCommands | P.sendInThreads;
const ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | P.manageGuild;

const LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
  rows: 5,
  buttonsPerRow: 5,
  customId: 100,
  label: 80,
};

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (m: string[], req: ParsedRequest) => Reply | Promise<Reply>;

interface ParsedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  auth: string | undefined;
}

const json = (status: number, body: unknown): Reply => ({ status, body });
const apiError = (status: number, code: number, message: string, errors?: unknown): Reply =>
  json(status, errors === undefined ? { code, message } : { code, message, errors });

/** Checks a message body against Discord's limits; returns human-readable problems. */
export function messageProblems(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const content = body.content;
  if (typeof content === "string" && content.length > LIMITS.content) {
    problems.push(`content: ${content.length} > ${LIMITS.content}`);
  }
  const embeds = Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]) : [];
  if (embeds.length > LIMITS.embeds) problems.push(`embeds: ${embeds.length} > ${LIMITS.embeds}`);
  let total = 0;
  embeds.forEach((e, i) => {
    const check = (what: string, value: string | undefined, max: number) => {
      if (value === undefined) return;
      total += value.length;
      if (value.length > max) problems.push(`embeds.${i}.${what}: ${value.length} > ${max}`);
    };
    check("title", e.title, LIMITS.title);
    check("description", e.description, LIMITS.description);
    check("footer.text", e.footer?.text, LIMITS.footer);
    check("author.name", e.author?.name, LIMITS.author);
    const fields = e.fields ?? [];
    if (fields.length > LIMITS.fields)
      problems.push(`embeds.${i}.fields: ${fields.length} > ${LIMITS.fields}`);
    fields.forEach((f, j) => {
      if (!f.name || !f.value) problems.push(`embeds.${i}.fields.${j}: name and value must not be empty`);
      check(`fields.${j}.name`, f.name, LIMITS.fieldName);
      check(`fields.${j}.value`, f.value, LIMITS.fieldValue);
    });
    if (e.url !== undefined && !/^https?:\/\//.test(e.url)) problems.push(`embeds.${i}.url: not a URL`);
  });
  if (total > LIMITS.total) problems.push(`embeds: ${total} characters in total > ${LIMITS.total}`);
  const rows = Array.isArray(body.components) ? (body.components as Array<{ components?: unknown[] }>) : [];
  if (rows.length > LIMITS.rows) problems.push(`components: ${rows.length} rows > ${LIMITS.rows}`);
  rows.forEach((row, i) => {
    const items = (row.components ?? []) as Array<{ custom_id?: string; label?: string }>;
    if (items.length > LIMITS.buttonsPerRow) problems.push(`components.${i}: ${items.length} > 5`);
    items.forEach((c, j) => {
      if ((c.custom_id?.length ?? 0) > LIMITS.customId)
        problems.push(`components.${i}.${j}.custom_id too long`);
      if ((c.label?.length ?? 0) > LIMITS.label) problems.push(`components.${i}.${j}.label too long`);
    });
  });
  return problems;
}

function isEmptyMessage(m: { content?: unknown; embeds?: unknown; components?: unknown }): boolean {
  const content = typeof m.content === "string" ? m.content : "";
  const embeds = Array.isArray(m.embeds) ? m.embeds : [];
  const components = Array.isArray(m.components) ? m.components : [];
  return content.trim() === "" && embeds.length === 0 && components.length === 0;
}

export class FakeDiscord {
  readonly token: string;
  readonly requests: RecordedRequest[] = [];
  readonly violations: Violation[] = [];
  readonly identifies: Array<{ intents: number; shard?: unknown }> = [];
  readonly registeredCommands: { global: unknown[] | null; guild: Map<string, unknown[]> } = {
    global: null,
    guild: new Map(),
  };
  readonly ids: {
    application: string;
    bot: string;
    guild: string;
    textChannel: string;
    thread: string;
    everyoneRole: string;
    botRole: string;
    /** A plain role members can be given (slashCommand/postMessage `roles`), for access rules. */
    memberRole: string;
    /** A second text channel, for access rules that allow one channel and not the other. */
    otherChannel: string;
    owner: string;
  };

  #server: Server;
  #wss: WebSocketServer;
  #port = 0;
  #seq = 0n;
  #ackDeadlineMs: number;
  #retryAfterSeconds: number;
  #editShare = 0;
  #editCount = 0;
  #closeOnIdentify: number | undefined;
  #intents = 0;
  readonly #sockets = new Set<WebSocket>();
  readonly #identified = new Set<WebSocket>();
  readonly #socketSeq = new Map<WebSocket, number>();
  readonly #users = new Map<string, FakeUser>();
  readonly #dmChannels = new Map<string, string>();
  readonly #channels = new Map<string, FakeMessage[]>();
  readonly #messages = new Map<string, FakeMessage>();
  readonly #interactions = new Map<string, FakeInteraction>();
  readonly #byToken = new Map<string, FakeInteraction>();
  /** Attachment bytes served at /attachments/<id>/<filename>, as Discord's CDN would. */
  readonly #files = new Map<string, { bytes: Uint8Array; contentType: string }>();
  readonly #botUser: FakeUser;
  #readyCount = 0;

  private constructor(options: FakeDiscordOptions) {
    this.#ackDeadlineMs = options.ackDeadlineMs ?? 3000;
    this.#retryAfterSeconds = options.retryAfterSeconds ?? 0.25;
    this.#closeOnIdentify = options.closeOnIdentify;
    const application = this.snowflake();
    this.ids = {
      application,
      bot: application,
      guild: this.snowflake(),
      textChannel: this.snowflake(),
      thread: this.snowflake(),
      everyoneRole: "",
      botRole: this.snowflake(),
      memberRole: this.snowflake(),
      otherChannel: this.snowflake(),
      owner: "",
    };
    this.ids.everyoneRole = this.ids.guild;
    // A syntactically real token: base64 of the id, a timestamp part, an HMAC-like part.
    this.token = `${Buffer.from(this.ids.bot).toString("base64url")}.${randomBytes(4).toString("base64url")}.${randomBytes(20).toString("base64url")}`;
    this.#botUser = {
      id: this.ids.bot,
      username: "llm-answers",
      global_name: null,
      discriminator: "0",
      avatar: null,
      bot: true,
    };
    this.#users.set("\u0000bot", this.#botUser);
    this.ids.owner = this.user("owner").id;
    this.#channels.set(this.ids.textChannel, []);
    this.#channels.set(this.ids.thread, []);
    this.#channels.set(this.ids.otherChannel, []);
    this.#server = createServer((req, res) => {
      void this.#onHttp(req, res);
    });
    this.#wss = new WebSocketServer({ noServer: true });
    this.#server.on("upgrade", (req, socket, head) => {
      if (!req.url?.startsWith("/gateway")) {
        socket.destroy();
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onSocket(ws));
    });
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve, reject) => {
      fake.#server.once("error", reject);
      fake.#server.listen(0, "127.0.0.1", () => resolve());
    });
    fake.#port = (fake.#server.address() as AddressInfo).port;
    return fake;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port}/api`;
  }

  get botUser(): FakeUser {
    return this.#botUser;
  }

  /** Intents of the last IDENTIFY. */
  get intents(): number {
    return this.#intents;
  }

  snowflake(): string {
    const ms = BigInt(Date.now()) - DISCORD_EPOCH;
    this.#seq += 1n;
    return ((ms << 22n) | (this.#seq & 0x3fffffn)).toString();
  }

  user(name: string): FakeUser {
    let u = this.#users.get(name);
    if (!u) {
      u = { id: this.snowflake(), username: name, global_name: name, discriminator: "0", avatar: null };
      this.#users.set(name, u);
    }
    return u;
  }

  dmChannelId(user: FakeUser): string {
    let id = this.#dmChannels.get(user.id);
    if (!id) {
      id = this.snowflake();
      this.#dmChannels.set(user.id, id);
      this.#channels.set(id, []);
    }
    return id;
  }

  rateLimitEdits(share: number, retryAfterSeconds = this.#retryAfterSeconds): void {
    this.#editShare = share;
    this.#editCount = 0;
    this.#retryAfterSeconds = retryAfterSeconds;
  }

  waitForReady(timeoutMs = 10_000): Promise<void> {
    if (this.#readyCount > 0) return Promise.resolve();
    return this.waitFor(() => this.#readyCount > 0, timeoutMs).then(() => {});
  }

  async waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 10_000, intervalMs = 20): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = fn();
      if (v) return v;
      if (Date.now() > deadline)
        throw new Error(`FakeDiscord.waitFor: condition not met within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  get interactions(): FakeInteraction[] {
    return [...this.#interactions.values()];
  }

  interaction(id: string): FakeInteraction {
    const i = this.#interactions.get(id);
    if (!i) throw new Error(`no interaction ${id}`);
    return i;
  }

  ackLatencies(): number[] {
    return this.interactions.flatMap((i) => (i.ack ? [i.ack.latencyMs] : []));
  }

  channelMessages(channelId: string): FakeMessage[] {
    return [...(this.#channels.get(channelId) ?? [])];
  }

  message(id: string): FakeMessage | undefined {
    return this.#messages.get(id);
  }

  repliesTo(messageId: string): FakeMessage[] {
    return [...this.#messages.values()].filter((m) => m.message_reference?.message_id === messageId);
  }

  /** Requests that create or edit a message, including interaction responses that carry one. */
  messageWrites(): RecordedRequest[] {
    return this.requests.filter((r) => {
      if (r.method !== "POST" && r.method !== "PATCH") return false;
      if (/^\/channels\/\d+\/messages(\/\d+)?$/.test(r.path)) return true;
      if (/^\/webhooks\//.test(r.path)) return true;
      if (/\/callback$/.test(r.path)) {
        const type = (r.body as { type?: number } | null)?.type;
        return type === 4 || type === 7;
      }
      return false;
    });
  }

  // ── driving the client ────────────────────────────────────────────────────────────────────

  slashCommand(opts: {
    name: string;
    options?: Record<string, string | number | boolean>;
    user?: FakeUser;
    permissions?: "member" | "admin" | bigint;
    dm?: boolean;
    channelId?: string;
    locale?: string;
    /** The member's role ids (the fake's ids.memberRole, say); default none. */
    roles?: string[];
    /** Attachment options by name; `url` overrides where the attachment claims to be. */
    attachments?: Record<string, { filename: string; bytes: Uint8Array; contentType?: string; url?: string }>;
  }): FakeInteraction {
    const user = opts.user ?? this.user("alice");
    const options: Array<Record<string, unknown>> = Object.entries(opts.options ?? {}).map(
      ([name, value]) => ({
        name,
        type:
          typeof value === "string" ? 3 : typeof value === "boolean" ? 5 : Number.isInteger(value) ? 4 : 10,
        value,
      }),
    );
    const attachments: Record<string, unknown> = {};
    for (const [name, file] of Object.entries(opts.attachments ?? {})) {
      const id = this.snowflake();
      const contentType = file.contentType ?? "text/plain; charset=utf-8";
      this.#files.set(id, { bytes: file.bytes, contentType });
      const url =
        file.url ?? `http://127.0.0.1:${this.#port}/attachments/${id}/${encodeURIComponent(file.filename)}`;
      attachments[id] = {
        id,
        filename: file.filename,
        size: file.bytes.length,
        url,
        proxy_url: url,
        content_type: contentType,
      };
      options.push({ name, type: 11, value: id });
    }
    const resolved = Object.keys(attachments).length > 0 ? { resolved: { attachments } } : {};
    return this.#dispatchInteraction(
      {
        kind: "command",
        name: opts.name,
        user,
        dm: opts.dm,
        channelId: opts.channelId,
        locale: opts.locale,
        roles: opts.roles,
      },
      opts.permissions,
      { id: this.snowflake(), name: opts.name, type: 1, options, ...resolved },
      2,
    );
  }

  /** A user typing in a command's option that has autocomplete (interaction type 4). */
  autocomplete(opts: {
    name: string;
    option: string;
    value: string;
    user?: FakeUser;
    permissions?: "member" | "admin" | bigint;
    locale?: string;
  }): FakeInteraction {
    const user = opts.user ?? this.user("alice");
    return this.#dispatchInteraction(
      { kind: "autocomplete", name: opts.name, user, dm: false, channelId: undefined, locale: opts.locale },
      opts.permissions,
      {
        id: this.snowflake(),
        name: opts.name,
        type: 1,
        options: [{ name: opts.option, type: 3, value: opts.value, focused: true }],
      },
      4,
    );
  }

  click(opts: {
    customId: string;
    messageId: string;
    user?: FakeUser;
    permissions?: "member" | "admin" | bigint;
    roles?: string[];
  }) {
    const message = this.#messages.get(opts.messageId);
    if (!message) throw new Error(`click: no message ${opts.messageId}`);
    const user = opts.user ?? this.user("alice");
    const dm = message.guild_id === undefined;
    return this.#dispatchInteraction(
      {
        kind: "button",
        customId: opts.customId,
        user,
        dm,
        channelId: message.channel_id,
        message,
        roles: opts.roles,
      },
      opts.permissions,
      { custom_id: opts.customId, component_type: 2 },
      3,
    );
  }

  postMessage(opts: {
    content: string;
    user?: FakeUser;
    channelId?: string;
    dm?: boolean;
    replyTo?: string;
    /** Put the bot in `mentions` (a mention, or a reply with ping on). Default: content mentions it. */
    mentionsBot?: boolean;
    /** The author's role ids in the server; default none. */
    roles?: string[];
  }): FakeMessage {
    const author = opts.user ?? this.user("alice");
    const channelId = opts.dm ? this.dmChannelId(author) : (opts.channelId ?? this.ids.textChannel);
    const mentionsBot = opts.mentionsBot ?? new RegExp(`<@!?${this.ids.bot}>`).test(opts.content);
    const reference = opts.replyTo ? this.#messages.get(opts.replyTo) : undefined;
    const message: FakeMessage = {
      id: this.snowflake(),
      channel_id: channelId,
      ...(opts.dm ? {} : { guild_id: this.ids.guild }),
      author,
      content: opts.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      embeds: [],
      components: [],
      mentions: mentionsBot ? [this.#botUser] : [],
      flags: 0,
      type: reference ? 19 : 0,
      ...(reference
        ? {
            message_reference: {
              message_id: reference.id,
              channel_id: reference.channel_id,
              ...(reference.guild_id ? { guild_id: reference.guild_id } : {}),
            },
          }
        : {}),
      edits: 0,
      ephemeral: false,
    };
    this.#store(message);
    // Real MESSAGE_CREATE events carry channel_type; discord.js needs it to build an uncached DM
    // channel (without it the channel has no type, is not text-based, and the message is dropped).
    const channelType = opts.dm ? 1 : channelId === this.ids.thread ? 11 : 0;
    // Guild messages carry the author's member (without its user), as on real Discord.
    const member = opts.dm
      ? {}
      : {
          member: {
            roles: opts.roles ?? [],
            joined_at: new Date().toISOString(),
            deaf: false,
            mute: false,
            flags: 0,
            pending: false,
          },
        };
    this.#dispatch("MESSAGE_CREATE", { ...this.#wire(message, true), channel_type: channelType, ...member });
    return message;
  }

  mention(
    question: string,
    opts: { user?: FakeUser; channelId?: string; replyTo?: string; roles?: string[] } = {},
  ): FakeMessage {
    return this.postMessage({ ...opts, content: `<@${this.ids.bot}> ${question}` });
  }

  dm(question: string, opts: { user?: FakeUser; replyTo?: string } = {}): FakeMessage {
    return this.postMessage({ ...opts, content: question, dm: true });
  }

  /** Forgets an interaction's token, as Discord does after 15 minutes: webhook calls then get 404. */
  expireInteraction(id: string): void {
    const interaction = this.#interactions.get(id);
    if (interaction) this.#byToken.delete(interaction.token);
  }

  /** Closes every gateway connection with `code`, as Discord does when it ends a session. */
  closeGateway(code: number): void {
    for (const ws of this.#sockets) ws.close(code, CLOSE_REASONS[code] ?? "Closed by the fake.");
  }

  async close(): Promise<void> {
    for (const ws of this.#sockets) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ── gateway ───────────────────────────────────────────────────────────────────────────────

  #onSocket(ws: WebSocket): void {
    this.#sockets.add(ws);
    this.#socketSeq.set(ws, 0);
    ws.on("close", () => {
      this.#sockets.delete(ws);
      this.#identified.delete(ws);
    });
    ws.on("message", (raw) => {
      let payload: { op: number; d?: Record<string, unknown> };
      try {
        payload = JSON.parse(String(raw));
      } catch {
        ws.close(4002, "Decode error");
        return;
      }
      switch (payload.op) {
        case 1:
          ws.send(JSON.stringify({ op: 11 }));
          break;
        case 2:
          this.#identify(ws, payload.d ?? {});
          break;
        case 6:
          this.#identified.add(ws);
          this.#send(ws, "RESUMED", {});
          break;
        default:
          break;
      }
    });
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 } }));
  }

  #identify(ws: WebSocket, d: Record<string, unknown>): void {
    if (d.token !== this.token) {
      ws.close(4004, "Authentication failed.");
      return;
    }
    this.#intents = Number(d.intents ?? 0);
    this.identifies.push({ intents: this.#intents, shard: d.shard });
    if (this.#closeOnIdentify !== undefined) {
      ws.close(this.#closeOnIdentify, CLOSE_REASONS[this.#closeOnIdentify] ?? "Closed by the fake.");
      return;
    }
    this.#identified.add(ws);
    const now = new Date().toISOString();
    this.#send(ws, "READY", {
      v: 10,
      user: { ...this.#botUser, flags: 0, verified: true, mfa_enabled: false },
      guilds: [{ id: this.ids.guild, unavailable: true }],
      session_id: randomBytes(16).toString("hex"),
      resume_gateway_url: `ws://127.0.0.1:${this.#port}/gateway`,
      shard: [0, 1],
      application: { id: this.ids.application, flags: 0 },
      private_channels: [],
      user_settings: {},
      relationships: [],
    });
    const owner = this.#users.get("owner") as FakeUser;
    this.#send(ws, "GUILD_CREATE", {
      id: this.ids.guild,
      name: "Fake Guild",
      icon: null,
      owner_id: owner.id,
      unavailable: false,
      large: false,
      member_count: 3,
      joined_at: now,
      features: [],
      preferred_locale: "zh-CN",
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      premium_tier: 0,
      nsfw_level: 0,
      system_channel_flags: 0,
      roles: [
        this.#role(this.ids.everyoneRole, "@everyone", MEMBER_PERMISSIONS, 0),
        this.#role(this.ids.botRole, "llm-answers", MEMBER_PERMISSIONS, 1, { bot_id: this.ids.bot }),
        this.#role(this.ids.memberRole, "asker", 0n, 2),
      ],
      channels: [
        {
          id: this.ids.textChannel,
          type: 0,
          guild_id: this.ids.guild,
          name: "general",
          position: 0,
          permission_overwrites: [],
          topic: null,
          nsfw: false,
          parent_id: null,
          last_message_id: null,
          rate_limit_per_user: 0,
        },
        {
          id: this.ids.otherChannel,
          type: 0,
          guild_id: this.ids.guild,
          name: "off-topic",
          position: 1,
          permission_overwrites: [],
          topic: null,
          nsfw: false,
          parent_id: null,
          last_message_id: null,
          rate_limit_per_user: 0,
        },
      ],
      threads: [
        {
          id: this.ids.thread,
          type: 11,
          guild_id: this.ids.guild,
          parent_id: this.ids.textChannel,
          owner_id: owner.id,
          name: "开源 vs 闭源",
          last_message_id: null,
          rate_limit_per_user: 0,
          message_count: 0,
          member_count: 2,
          thread_metadata: {
            archived: false,
            auto_archive_duration: 1440,
            archive_timestamp: now,
            locked: false,
          },
        },
      ],
      members: [
        {
          user: this.#botUser,
          roles: [this.ids.botRole],
          joined_at: now,
          deaf: false,
          mute: false,
          flags: 0,
          pending: false,
        },
      ],
      emojis: [],
      stickers: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    });
    this.#readyCount += 1;
  }

  #role(id: string, name: string, permissions: bigint, position: number, tags?: Record<string, string>) {
    return {
      id,
      name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position,
      permissions: permissions.toString(),
      managed: tags !== undefined,
      mentionable: false,
      flags: 0,
      ...(tags ? { tags } : {}),
    };
  }

  #send(ws: WebSocket, t: string, d: unknown): void {
    const s = (this.#socketSeq.get(ws) ?? 0) + 1;
    this.#socketSeq.set(ws, s);
    ws.send(JSON.stringify({ op: 0, t, s, d }));
  }

  #dispatch(t: string, d: unknown): void {
    for (const ws of this.#identified) if (ws.readyState === WebSocket.OPEN) this.#send(ws, t, d);
  }

  #dispatchInteraction(
    who: {
      kind: "command" | "button" | "autocomplete";
      name?: string;
      customId?: string;
      user: FakeUser;
      dm: boolean | undefined;
      channelId: string | undefined;
      locale?: string | undefined;
      roles?: string[] | undefined;
      message?: FakeMessage;
    },
    permissions: "member" | "admin" | bigint | undefined,
    data: Record<string, unknown>,
    type: number,
  ): FakeInteraction {
    const id = this.snowflake();
    const token = `aW50ZXJhY3Rpb246${id}${randomBytes(24).toString("base64url")}`;
    const perms =
      permissions === "admin"
        ? ADMIN_PERMISSIONS
        : typeof permissions === "bigint"
          ? permissions
          : MEMBER_PERMISSIONS;
    const channelId = who.dm ? this.dmChannelId(who.user) : (who.channelId ?? this.ids.textChannel);
    const channel = who.dm
      ? { id: channelId, type: 1, recipients: [who.user], last_message_id: null, flags: 0 }
      : channelId === this.ids.thread
        ? {
            id: channelId,
            type: 11,
            guild_id: this.ids.guild,
            parent_id: this.ids.textChannel,
            name: "开源 vs 闭源",
          }
        : {
            id: channelId,
            type: 0,
            guild_id: this.ids.guild,
            name: channelId === this.ids.otherChannel ? "off-topic" : "general",
            permission_overwrites: [],
            position: 0,
          };
    const record: FakeInteraction = {
      id,
      token,
      kind: who.kind,
      ...(who.name ? { name: who.name } : {}),
      ...(who.customId ? { customId: who.customId } : {}),
      userId: who.user.id,
      channelId,
      dispatchedAt: 0,
      original: null,
      followUps: [],
    };
    this.#interactions.set(id, record);
    this.#byToken.set(token, record);
    const payload: Record<string, unknown> = {
      id,
      application_id: this.ids.application,
      type,
      token,
      version: 1,
      data,
      channel_id: channelId,
      channel,
      app_permissions: MEMBER_PERMISSIONS.toString(),
      locale: who.locale ?? "zh-CN",
      entitlements: [],
      authorizing_integration_owners: who.dm ? { "1": who.user.id } : { "0": this.ids.guild },
      context: who.dm ? 1 : 0,
      attachment_size_limit: 10_485_760,
      ...(who.dm
        ? { user: who.user }
        : {
            guild_id: this.ids.guild,
            guild_locale: "zh-CN",
            member: {
              user: who.user,
              roles: who.roles ?? [],
              permissions: perms.toString(),
              joined_at: new Date().toISOString(),
              deaf: false,
              mute: false,
              flags: 0,
              pending: false,
              nick: null,
              avatar: null,
              premium_since: null,
              communication_disabled_until: null,
            },
          }),
      ...(who.message ? { message: this.#wire(who.message, false) } : {}),
    };
    record.dispatchedAt = performance.now();
    this.#dispatch("INTERACTION_CREATE", payload);
    return record;
  }

  // ── REST ──────────────────────────────────────────────────────────────────────────────────

  async #onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Arrival, before the body is read: what a rate limiter on Discord's side would count.
    const arrivedAt = performance.now();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown = null;
    if (raw && (req.headers["content-type"] ?? "").includes("application/json")) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    } else if (raw) {
      body = raw;
    }
    const path = decodeURIComponent(
      url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname,
    );
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      at: arrivedAt,
      status: 0,
    };
    this.requests.push(record);
    const file = /^\/attachments\/(\d+)\//.exec(url.pathname);
    if (file && req.method === "GET") {
      const served = this.#files.get(file[1] ?? "");
      record.status = served ? 200 : 404;
      res.writeHead(record.status, served ? { "Content-Type": served.contentType } : {});
      res.end(served ? Buffer.from(served.bytes) : undefined);
      return;
    }
    let reply: Reply;
    try {
      reply = url.pathname.startsWith(API_PREFIX)
        ? await this.#route({
            method: record.method,
            path,
            query: url.searchParams,
            body,
            auth: req.headers.authorization,
          })
        : apiError(404, 0, "404: Not Found");
    } catch (err) {
      reply = apiError(500, 0, `fake error: ${(err as Error).message}`);
    }
    record.status = reply.status;
    if (reply.status === 400 || reply.status === 401 || reply.status === 403 || reply.status === 404) {
      const b = reply.body as { code?: number; message?: string; errors?: unknown } | undefined;
      if (b?.code === 50035 || b?.code === 50006 || b?.code === 10062 || b?.code === 40060 || b?.code === 0) {
        const problems = (b as { problems?: string[] }).problems ?? [b.message ?? ""];
        this.violations.push({ at: record.at, method: record.method, path, code: b.code ?? 0, problems });
      }
    }
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.body !== undefined) headers["Content-Type"] = "application/json";
    res.writeHead(reply.status, headers);
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }

  #routes(): Array<[string, RegExp, Handler, "bot" | "none"]> {
    return [
      ["GET", /^\/gateway\/bot$/, () => this.#gatewayBot(), "bot"],
      ["GET", /^\/gateway$/, () => json(200, { url: `ws://127.0.0.1:${this.#port}/gateway` }), "none"],
      ["GET", /^\/users\/@me$/, () => json(200, this.#botUser), "bot"],
      ["POST", /^\/users\/@me\/channels$/, (_m, r) => this.#createDm(r), "bot"],
      ["POST", /^\/interactions\/(\d+)\/([^/]+)\/callback$/, (m, r) => this.#callback(m, r), "none"],
      ["PATCH", /^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/, (m, r) => this.#webhookEdit(m, r), "none"],
      ["GET", /^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/, (m) => this.#webhookGet(m), "none"],
      ["DELETE", /^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/, (m) => this.#webhookDelete(m), "none"],
      ["POST", /^\/webhooks\/(\d+)\/([^/]+)$/, (m, r) => this.#webhookPost(m, r), "none"],
      ["GET", /^\/channels\/(\d+)$/, (m) => this.#getChannel(m), "bot"],
      ["POST", /^\/channels\/(\d+)\/typing$/, () => ({ status: 204 }), "bot"],
      ["POST", /^\/channels\/(\d+)\/messages$/, (m, r) => this.#createMessage(m, r), "bot"],
      ["GET", /^\/channels\/(\d+)\/messages$/, (m, r) => this.#listMessages(m, r), "bot"],
      ["GET", /^\/channels\/(\d+)\/messages\/(\d+)$/, (m) => this.#getMessage(m), "bot"],
      ["PATCH", /^\/channels\/(\d+)\/messages\/(\d+)$/, (m, r) => this.#editMessage(m, r), "bot"],
      ["DELETE", /^\/channels\/(\d+)\/messages\/(\d+)$/, (m) => this.#deleteMessage(m), "bot"],
      ["PUT", /^\/applications\/(\d+)\/commands$/, (m, r) => this.#putCommands(m, r, null), "bot"],
      [
        "PUT",
        /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
        (m, r) => this.#putCommands(m, r, m[2] ?? ""),
        "bot",
      ],
      [
        "GET",
        /^\/applications\/(\d+)\/commands$/,
        () => json(200, this.registeredCommands.global ?? []),
        "bot",
      ],
      [
        "GET",
        /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
        (m) => json(200, this.registeredCommands.guild.get(m[2] ?? "") ?? []),
        "bot",
      ],
      ["GET", /^\/users\/@me\/guilds$/, () => json(200, [{ id: this.ids.guild, name: "Fake Guild" }]), "bot"],
    ];
  }

  async #route(req: ParsedRequest): Promise<Reply> {
    for (const [method, pattern, handler, auth] of this.#routes()) {
      if (method !== req.method) continue;
      const m = pattern.exec(req.path);
      if (!m) continue;
      if (auth === "bot" && req.auth !== `Bot ${this.token}`) return apiError(401, 0, "401: Unauthorized");
      return handler(
        [...m].map((s) => s ?? ""),
        req,
      );
    }
    return apiError(404, 0, `404: Not Found (${req.method} ${req.path})`);
  }

  #gatewayBot(): Reply {
    return json(200, {
      url: `ws://127.0.0.1:${this.#port}/gateway`,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    });
  }

  #createDm(req: ParsedRequest): Reply {
    const recipientId = (req.body as { recipient_id?: string } | null)?.recipient_id ?? "";
    const user = [...this.#users.values()].find((u) => u.id === recipientId);
    if (!user) return apiError(400, 50035, "Invalid Form Body");
    return json(200, {
      id: this.dmChannelId(user),
      type: 1,
      recipients: [user],
      last_message_id: null,
      flags: 0,
    });
  }

  #getChannel([, channelId]: string[]): Reply {
    if (channelId === this.ids.textChannel || channelId === this.ids.otherChannel) {
      const name = channelId === this.ids.otherChannel ? "off-topic" : "general";
      return json(200, { id: channelId, type: 0, guild_id: this.ids.guild, name, position: 0 });
    }
    if (channelId === this.ids.thread) {
      return json(200, {
        id: channelId,
        type: 11,
        guild_id: this.ids.guild,
        parent_id: this.ids.textChannel,
        name: "thread",
      });
    }
    for (const [userId, id] of this.#dmChannels) {
      if (id === channelId) {
        const user = [...this.#users.values()].find((u) => u.id === userId);
        return json(200, { id, type: 1, recipients: user ? [user] : [], last_message_id: null, flags: 0 });
      }
    }
    return apiError(404, 10003, "Unknown Channel");
  }

  /** 400 with Discord's error shape if the body breaks a limit; null if it is fine. */
  #checkBody(body: Record<string, unknown>, creating: boolean): Reply | null {
    const problems = messageProblems(body);
    if (problems.length > 0) {
      const errors: Record<string, unknown> = {};
      for (const p of problems) {
        const key = p.split(":")[0] ?? "body";
        errors[key] = { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: p }] };
      }
      return json(400, { code: 50035, message: "Invalid Form Body", errors, problems });
    }
    if (creating && isEmptyMessage(body))
      return json(400, { code: 50006, message: "Cannot send an empty message", problems: ["empty message"] });
    return null;
  }

  #maybeRateLimit(): Reply | null {
    if (this.#editShare <= 0) return null;
    this.#editCount += 1;
    const n = this.#editCount;
    if (Math.floor(n * this.#editShare) === Math.floor((n - 1) * this.#editShare)) return null;
    return {
      status: 429,
      body: { message: "You are being rate limited.", retry_after: this.#retryAfterSeconds, global: false },
      headers: { "Retry-After": String(this.#retryAfterSeconds), "X-RateLimit-Scope": "user" },
    };
  }

  #newBotMessage(
    channelId: string,
    body: Record<string, unknown>,
    extra: Partial<FakeMessage> = {},
  ): FakeMessage {
    const flags = Number(body.flags ?? 0);
    return {
      id: this.snowflake(),
      channel_id: channelId,
      ...(this.#isGuildChannel(channelId) ? { guild_id: this.ids.guild } : {}),
      author: this.#botUser,
      content: typeof body.content === "string" ? body.content : "",
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      embeds: Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]) : [],
      components: Array.isArray(body.components) ? body.components : [],
      mentions: [],
      flags,
      type: 0,
      edits: 0,
      ephemeral: (flags & FLAG_EPHEMERAL) !== 0,
      ...extra,
    };
  }

  #isGuildChannel(channelId: string): boolean {
    return (
      channelId === this.ids.textChannel ||
      channelId === this.ids.thread ||
      channelId === this.ids.otherChannel
    );
  }

  #applyEdit(message: FakeMessage, body: Record<string, unknown>): Reply | null {
    const merged = {
      content: typeof body.content === "string" ? body.content : message.content,
      embeds: Array.isArray(body.embeds) ? body.embeds : message.embeds,
      components: Array.isArray(body.components) ? body.components : message.components,
    };
    if (isEmptyMessage(merged))
      return json(400, {
        code: 50006,
        message: "Cannot send an empty message",
        problems: ["empty after edit"],
      });
    message.content = merged.content;
    message.embeds = merged.embeds as APIEmbed[];
    message.components = merged.components;
    message.flags &= ~FLAG_LOADING;
    message.edited_timestamp = new Date().toISOString();
    message.edits += 1;
    return null;
  }

  #callback([, id, token]: string[], req: ParsedRequest): Reply {
    const interaction = this.#interactions.get(id ?? "");
    if (!interaction || interaction.token !== token) return apiError(404, 10062, "Unknown interaction");
    const now = performance.now();
    if (interaction.ack) return apiError(400, 40060, "Interaction has already been acknowledged.");
    if (now - interaction.dispatchedAt > this.#ackDeadlineMs)
      return apiError(404, 10062, "Unknown interaction");
    const body = (req.body ?? {}) as { type?: number; data?: Record<string, unknown> };
    const type = Number(body.type);
    const data = body.data;
    if (type === 4 || type === 7) {
      const bad = this.#checkBody(data ?? {}, true);
      if (bad) return bad;
    }
    const flags = Number(data?.flags ?? 0);
    interaction.ack = { type, flags, at: now, latencyMs: now - interaction.dispatchedAt, data };
    if (type === 4 || type === 5) {
      const message = this.#newBotMessage(interaction.channelId, type === 4 ? (data ?? {}) : { flags }, {
        webhook_id: this.ids.application,
        application_id: this.ids.application,
        type: 20,
        ...(type === 5 ? { flags: flags | FLAG_LOADING } : {}),
      });
      interaction.original = message;
      if (!message.ephemeral) this.#store(message);
      else this.#messages.set(message.id, message);
    } else if (type === 7) {
      const source = this.#findComponentMessage(interaction);
      if (source) this.#applyEdit(source, data ?? {});
    }
    return { status: 204 };
  }

  #findComponentMessage(interaction: FakeInteraction): FakeMessage | undefined {
    return [...this.#messages.values()].find((m) =>
      JSON.stringify(m.components).includes(interaction.customId ?? "\u0000"),
    );
  }

  #interactionFor(app: string | undefined, token: string | undefined): FakeInteraction | null {
    if (app !== this.ids.application) return null;
    return this.#byToken.get(token ?? "") ?? null;
  }

  #webhookMessage(interaction: FakeInteraction, messageId: string): FakeMessage | undefined {
    if (messageId === "@original") return interaction.original ?? undefined;
    return interaction.followUps.find((m) => m.id === messageId);
  }

  #webhookEdit([, app, token, messageId]: string[], req: ParsedRequest): Reply {
    const interaction = this.#interactionFor(app, token);
    if (!interaction) return apiError(404, 10015, "Unknown Webhook");
    const message = this.#webhookMessage(interaction, messageId ?? "");
    if (!message) return apiError(404, 10008, "Unknown Message");
    const limited = this.#maybeRateLimit();
    if (limited) return limited;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const bad = this.#checkBody(body, false) ?? this.#applyEdit(message, body);
    if (bad) return bad;
    return json(200, this.#wire(message, false));
  }

  #webhookGet([, app, token, messageId]: string[]): Reply {
    const interaction = this.#interactionFor(app, token);
    const message = interaction ? this.#webhookMessage(interaction, messageId ?? "") : undefined;
    return message ? json(200, this.#wire(message, false)) : apiError(404, 10008, "Unknown Message");
  }

  #webhookDelete([, app, token, messageId]: string[]): Reply {
    const interaction = this.#interactionFor(app, token);
    const message = interaction ? this.#webhookMessage(interaction, messageId ?? "") : undefined;
    if (!message) return apiError(404, 10008, "Unknown Message");
    this.#remove(message);
    return { status: 204 };
  }

  #webhookPost([, app, token]: string[], req: ParsedRequest): Reply {
    const interaction = this.#interactionFor(app, token);
    if (!interaction?.ack) return apiError(404, 10015, "Unknown Webhook");
    const body = (req.body ?? {}) as Record<string, unknown>;
    const bad = this.#checkBody(body, true);
    if (bad) return bad;
    const message = this.#newBotMessage(interaction.channelId, body, {
      webhook_id: this.ids.application,
      application_id: this.ids.application,
    });
    interaction.followUps.push(message);
    if (!message.ephemeral) this.#store(message);
    else this.#messages.set(message.id, message);
    return json(200, this.#wire(message, false));
  }

  #createMessage([, channelId]: string[], req: ParsedRequest): Reply {
    if (!this.#channels.has(channelId ?? "")) return apiError(404, 10003, "Unknown Channel");
    const body = (req.body ?? {}) as Record<string, unknown>;
    const bad = this.#checkBody(body, true);
    if (bad) return bad;
    const ref = body.message_reference as { message_id?: string; fail_if_not_exists?: boolean } | undefined;
    let reference: FakeMessage["message_reference"];
    if (ref?.message_id) {
      const target = this.#messages.get(ref.message_id);
      if (target) {
        reference = {
          message_id: target.id,
          channel_id: target.channel_id,
          ...(target.guild_id ? { guild_id: target.guild_id } : {}),
        };
      } else if (ref.fail_if_not_exists !== false) {
        return json(400, {
          code: 50035,
          message: "Invalid Form Body",
          errors: {
            message_reference: {
              _errors: [{ code: "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", message: "Unknown message" }],
            },
          },
          problems: ["message_reference: unknown message"],
        });
      }
    }
    const message = this.#newBotMessage(channelId ?? "", body, {
      type: reference ? 19 : 0,
      ...(reference ? { message_reference: reference } : {}),
    });
    this.#store(message);
    return json(200, this.#wire(message, false));
  }

  #listMessages([, channelId]: string[], req: ParsedRequest): Reply {
    const list = this.#channels.get(channelId ?? "");
    if (!list) return apiError(404, 10003, "Unknown Channel");
    const limit = Math.min(100, Math.max(1, Number(req.query.get("limit") ?? 50)));
    const before = req.query.get("before");
    const after = req.query.get("after");
    let selected = list.filter((m) => !m.ephemeral);
    if (before) selected = selected.filter((m) => BigInt(m.id) < BigInt(before));
    if (after) selected = selected.filter((m) => BigInt(m.id) > BigInt(after));
    // Discord returns the newest first.
    const newestFirst = [...selected].reverse().slice(0, limit);
    return json(
      200,
      newestFirst.map((m) => this.#wire(m, false)),
    );
  }

  #getMessage([, channelId, messageId]: string[]): Reply {
    const message = this.#messages.get(messageId ?? "");
    if (!message || message.channel_id !== channelId || message.ephemeral)
      return apiError(404, 10008, "Unknown Message");
    return json(200, this.#wire(message, false));
  }

  #editMessage([, channelId, messageId]: string[], req: ParsedRequest): Reply {
    const message = this.#messages.get(messageId ?? "");
    if (!message || message.channel_id !== channelId) return apiError(404, 10008, "Unknown Message");
    if (message.author.id !== this.ids.bot)
      return apiError(403, 50005, "Cannot edit a message authored by another user");
    const limited = this.#maybeRateLimit();
    if (limited) return limited;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const bad = this.#checkBody(body, false) ?? this.#applyEdit(message, body);
    if (bad) return bad;
    return json(200, this.#wire(message, false));
  }

  #deleteMessage([, , messageId]: string[]): Reply {
    const message = this.#messages.get(messageId ?? "");
    if (!message) return apiError(404, 10008, "Unknown Message");
    this.#remove(message);
    return { status: 204 };
  }

  #putCommands([, app]: string[], req: ParsedRequest, guildId: string | null): Reply {
    if (app !== this.ids.application) return apiError(403, 50001, "Missing Access");
    const commands = Array.isArray(req.body) ? (req.body as Array<Record<string, unknown>>) : [];
    const withIds = commands.map((c) => ({
      ...c,
      id: this.snowflake(),
      application_id: this.ids.application,
      version: this.snowflake(),
      type: c.type ?? 1,
      ...(guildId ? { guild_id: guildId } : {}),
    }));
    if (guildId) this.registeredCommands.guild.set(guildId, withIds);
    else this.registeredCommands.global = withIds;
    return json(200, withIds);
  }

  #store(message: FakeMessage): void {
    this.#messages.set(message.id, message);
    const list = this.#channels.get(message.channel_id);
    if (list) list.push(message);
    else this.#channels.set(message.channel_id, [message]);
  }

  #remove(message: FakeMessage): void {
    this.#messages.delete(message.id);
    const list = this.#channels.get(message.channel_id);
    const i = list?.indexOf(message) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
  }

  /**
   * The wire form of a stored message. Without the MessageContent intent, other users' guild
   * messages that do not mention the bot come with empty content, as on real Discord.
   */
  #wire(message: FakeMessage, withReferenced: boolean): Record<string, unknown> {
    const { edits: _edits, ephemeral: _ephemeral, ...wire } = message;
    const hidden =
      (this.#intents & MESSAGE_CONTENT_INTENT) === 0 &&
      message.guild_id !== undefined &&
      message.author.id !== this.ids.bot &&
      !message.mentions.some((u) => u.id === this.ids.bot);
    const out: Record<string, unknown> = {
      ...wire,
      ...(hidden ? { content: "", embeds: [], components: [] } : {}),
      tts: false,
      mention_everyone: false,
      mention_roles: [],
      attachments: [],
      pinned: false,
    };
    if (withReferenced && message.message_reference) {
      const ref = this.#messages.get(message.message_reference.message_id);
      out.referenced_message = ref ? this.#wire(ref, false) : null;
    }
    return out;
  }
}
