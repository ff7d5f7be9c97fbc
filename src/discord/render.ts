/**
 * Turning answers into Discord messages. Everything here is pure data (API JSON) so it can be
 * measured against Discord's limits in unit tests; the handlers only send what comes out.
 */
import {
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIEmbedField,
  ButtonStyle,
  ComponentType,
} from "discord.js";
import type { AnswerRenderer, AnswerView } from "../chat/ports.js";
import { truncate } from "../chat/truncate.js";
import type { AskResult, Citation, IndexSummary, Language } from "../types.js";
import { embedLength, LIMITS } from "./limits.js";
import { MESSAGES } from "./messages.js";
import { splitMessage } from "./split.js";

export type MessageRow = APIActionRowComponent<APIComponentInMessageActionRow>;

/** A message as the bot sends it; `content: ""` with embeds replaces earlier streamed text. */
export interface OutgoingMessage {
  content: string;
  embeds: APIEmbed[];
  components: MessageRow[];
}

export const COLORS = { answer: 0x5865f2, refused: 0xf0b232, info: 0x3ba55d } as const;

/** More parts than this is not an answer but a dump; the rest is cut with an ellipsis. */
const MAX_PARTS = 6;
/** Description size for all parts but the last, leaving room for the title on the first. */
const PART_SIZE = 4000;
const MAX_SOURCE_FIELDS = 3;
const SOURCE_LINE_MAX = 300;
const NOTE_MAX = 500;

export type ButtonAction = "passages" | "up" | "down";

export function buttonId(answerId: string, action: ButtonAction): string {
  return `answer:${answerId}:${action}`;
}

export function parseButtonId(customId: string): { answerId: string; action: ButtonAction } | null {
  const m = /^answer:(\d{1,25}):(passages|up|down)$/.exec(customId);
  if (!m?.[1] || !m[2]) return null;
  return { answerId: m[1], action: m[2] as ButtonAction };
}

const MARKDOWN_LINK = /\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const AUTOLINK = /<(https?:\/\/[^>\s]+)>/gi;
const BARE_URL = /\bhttps?:\/\/[^\s<>()[\]`]+/gi;

/** A URL shown as text: a code span is never turned into a link by Discord. */
const inertUrl = (url: string) => `\`${url.replace(/`/g, "")}\``;

/**
 * Links in an answer a model wrote are kept only when they point at a cited source's address;
 * any other (a phishing link an article smuggled into the prompt, or one the model made up) is
 * shown as plain text the reader cannot click. Mentions are disabled separately, on every send.
 */
export function sanitiseLinks(answer: string, allowedUrls: ReadonlyArray<string | null | undefined>): string {
  const allowed = new Set(allowedUrls.filter(isHttpUrl).map((u) => u.trim()));
  const placeholders: string[] = [];
  const keep = (text: string) => {
    placeholders.push(text);
    return `\u0000${placeholders.length - 1}\u0000`;
  };
  let out = answer.replace(MARKDOWN_LINK, (whole, label: string, url: string) => {
    if (!/^https?:\/\//i.test(url) && !/^[a-z][a-z0-9+.-]*:/i.test(url)) return whole;
    if (allowed.has(url)) return keep(`[${label}](${url})`);
    return keep(`${label} (${inertUrl(url)})`);
  });
  out = out.replace(AUTOLINK, (_whole, url: string) => keep(allowed.has(url) ? `<${url}>` : inertUrl(url)));
  out = out.replace(BARE_URL, (url) => keep(allowed.has(url) ? url : inertUrl(url)));
  return out.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => placeholders[Number(i)] ?? "");
}

/** What the user sees while the answer streams in: the newest text, cut from the front if long. */
export function renderStreaming(partial: string): string {
  // Nothing is cited yet while streaming: no link is clickable until the final answer.
  const text = `${sanitiseLinks(partial, []).trimEnd()} ▍`;
  if (text.length <= LIMITS.content) return text;
  return `…${text.slice(text.length - (LIMITS.content - 1))}`;
}

export function formatSeconds(ms: number, lang: Language): string {
  const s = (ms / 1000).toFixed(1);
  return lang === "zh" ? `${s} 秒` : `${s} s`;
}

const isHttpUrl = (url: string | null | undefined): url is string => !!url && /^https?:\/\/\S+$/i.test(url);

/** Square brackets would end a masked link early; full-width ones read the same. */
const linkText = (text: string) => text.replace(/\[/g, "［").replace(/\]/g, "］");
const linkTarget = (url: string) => url.replace(/\(/g, "%28").replace(/\)/g, "%29");

function citationLabel(c: Pick<Citation, "title" | "heading">): string {
  const heading = c.heading.trim();
  return heading && heading !== c.title ? `${c.title} › ${heading}` : c.title;
}

function uniqueCitations(citations: Citation[]): Citation[] {
  const seen = new Set<number>();
  return [...citations].sort((a, b) => a.n - b.n).filter((c) => !seen.has(c.n) && seen.add(c.n));
}

/** `[n] title › heading`, linked when the article's address is known. */
export function citationLine(c: Citation): string {
  const label = truncate(citationLabel(c), SOURCE_LINE_MAX - 20);
  if (isHttpUrl(c.url)) {
    const line = `[${c.n}] [${linkText(label)}](${linkTarget(c.url)})`;
    if (line.length <= SOURCE_LINE_MAX) return line;
  }
  return `[${c.n}] ${label}`;
}

/** Packs lines into embed fields of ≤ 1024 characters; lines that don't fit are counted, not lost silently. */
export function packFields(name: string, lines: string[], maxFields = MAX_SOURCE_FIELDS): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  let value = "";
  let i = 0;
  for (; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    const next = value ? `${value}\n${line}` : line;
    if (next.length <= LIMITS.fieldValue) {
      value = next;
      continue;
    }
    if (fields.length + 1 >= maxFields) break;
    fields.push({ name: fields.length === 0 ? name : "\u200b", value });
    value = truncate(line, LIMITS.fieldValue);
  }
  if (i < lines.length) {
    const more = `… +${lines.length - i}`;
    value = value.length + more.length + 1 <= LIMITS.fieldValue ? `${value}\n${more}` : value;
  }
  if (value) fields.push({ name: fields.length === 0 ? name : "\u200b", value });
  return fields;
}

export function answerButtons(answerId: string, lang: Language, hasCitations: boolean): MessageRow {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        custom_id: buttonId(answerId, "passages"),
        label: MESSAGES[lang].showPassages,
        emoji: { name: "📄" },
        disabled: !hasCitations,
      },
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        custom_id: buttonId(answerId, "up"),
        emoji: { name: "👍" },
      },
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        custom_id: buttonId(answerId, "down"),
        emoji: { name: "👎" },
      },
    ],
  };
}

/**
 * The final answer as one or more messages: the answer in embed descriptions split at sentence
 * ends, the sources and footer on the last part, and the buttons under it. Every message stays
 * within Discord's per-message embed limits.
 */
export function renderAnswer({ question, result, answerId, elapsedMs }: AnswerView): OutgoingMessage[] {
  const lang = result.language;
  const t = MESSAGES[lang];
  const color = result.refused ? COLORS.refused : COLORS.answer;
  const citations = uniqueCitations(result.citations);
  const title = truncate(question.replace(/\s+/g, " ").trim(), LIMITS.embedTitle);

  const fields = packFields(t.sourcesField, citations.map(citationLine));
  const notes = [result.refused ? t.refusedNote : "", result.notice ?? ""].filter(Boolean).join("\n");
  if (notes) fields.push({ name: t.noteField, value: truncate(notes, NOTE_MAX) });
  const footerBase =
    lang === "zh"
      ? `模型：${result.providers.chat} · 嵌入：${result.providers.embeddings} · 用时 ${formatSeconds(elapsedMs, lang)}`
      : `Model: ${result.providers.chat} · Embeddings: ${result.providers.embeddings} · ${formatSeconds(elapsedMs, lang)}`;
  const footer = truncate(footerBase, 300);
  const extras = embedLength({ fields, footer: { text: footer } });

  const answer =
    sanitiseLinks(
      result.answer,
      citations.map((c) => c.url),
    ).trim() || t.refusedNote;
  let parts = splitMessage(answer, PART_SIZE);
  const lastBudget = Math.min(
    LIMITS.embedDescription,
    LIMITS.embedsTotal - extras - (parts.length === 1 ? title.length : 0) - 20,
  );
  const last = parts[parts.length - 1] ?? "";
  if (last.length > lastBudget) parts = [...parts.slice(0, -1), ...splitMessage(last, lastBudget)];
  if (parts.length > MAX_PARTS) {
    // A cut answer says so where the reader stops, in the question's language; every source it
    // cites is still under "Show passages" (renderPassagePages), cut text or not.
    parts = parts.slice(0, MAX_PARTS);
    const end = parts.length - 1;
    const note = `\n\n${t.answerCut}`;
    const kept = splitMessage((parts[end] ?? "").trimEnd(), lastBudget - note.length - 1)[0] ?? "";
    parts[end] = `${kept.trimEnd()}…${note}`;
  }
  parts = parts.map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) parts = [t.refusedNote];

  return parts.map((description, i) => {
    const isFirst = i === 0;
    const isLast = i === parts.length - 1;
    const embed: APIEmbed = { color, description };
    if (isFirst) embed.title = title;
    if (isLast) {
      if (fields.length > 0) embed.fields = fields;
      embed.footer = {
        text: parts.length > 1 ? truncate(`${footer} · ${i + 1}/${parts.length}`, 320) : footer,
      };
    } else if (parts.length > 1) {
      embed.footer = { text: t.continued(i + 1, parts.length) };
    }
    return {
      content: "",
      embeds: [embed],
      components: isLast ? [answerButtons(answerId, lang, citations.length > 0)] : [],
    };
  });
}

/** How the chat layer's ask flow shows an answer in Discord. */
export const discordRenderer: AnswerRenderer<OutgoingMessage> = {
  streaming: renderStreaming,
  answer: renderAnswer,
};

/** The cited passages, one embed each, quoted, sized so the whole message stays within limits. */
export function renderPassages(result: AskResult): OutgoingMessage {
  const t = MESSAGES[result.language];
  const citations = uniqueCitations(result.citations).slice(0, LIMITS.embedsPerMessage);
  if (citations.length === 0) return { content: t.noPassages, embeds: [], components: [] };
  const titles = citations.map((c) => truncate(`[${c.n}] ${citationLabel(c)}`, LIMITS.embedTitle));
  const used = titles.reduce((n, s) => n + s.length, 0);
  const each = Math.min(
    LIMITS.embedDescription,
    Math.floor((LIMITS.embedsTotal - used - 50) / citations.length),
  );
  const embeds = citations.map((c, i): APIEmbed => {
    const quoted = c.text
      .trim()
      .split(/\n+/)
      .map((line) => `> ${line}`)
      .join("\n");
    const embed: APIEmbed = {
      color: COLORS.info,
      title: titles[i] ?? "",
      description: truncate(quoted, each),
    };
    if (isHttpUrl(c.url)) embed.url = c.url;
    return embed;
  });
  return { content: `**${t.passagesTitle}**`, embeds, components: [] };
}

/**
 * Every cited passage, as many messages as it takes: one message holds at most 10 embeds, and an
 * answer may cite more sources than that (a cut answer relies on this list being complete).
 */
export function renderPassagePages(result: AskResult): OutgoingMessage[] {
  const citations = uniqueCitations(result.citations);
  const size = LIMITS.embedsPerMessage;
  if (citations.length <= size) return [renderPassages(result)];
  const pages: OutgoingMessage[] = [];
  for (let i = 0; i < citations.length; i += size)
    pages.push(renderPassages({ ...result, citations: citations.slice(i, i + size) }));
  const title = MESSAGES[result.language].passagesTitle;
  return pages.map((page, i) => ({ ...page, content: `**${title}** (${i + 1}/${pages.length})` }));
}

function discordTimestamp(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `<t:${Math.floor(ms / 1000)}:f> (<t:${Math.floor(ms / 1000)}:R>)`;
}

/** /sources: every article in the index with its link, passage count, and when it was ingested. */
export function renderSources(summary: IndexSummary, lang: Language): APIEmbed {
  const t = MESSAGES[lang];
  const lines = summary.sources.map((s) => {
    const title = isHttpUrl(s.url) ? `[${linkText(s.title)}](${linkTarget(s.url)})` : s.title;
    return truncate(
      `• **${title}** · ${t.passageCount(s.passages)} · \`${s.source}\``,
      SOURCE_LINE_MAX + 200,
    );
  });
  let description = "";
  let shown = 0;
  for (const line of lines) {
    const next = description ? `${description}\n${line}` : line;
    if (next.length > LIMITS.embedDescription - 40) break;
    description = next;
    shown += 1;
  }
  if (shown < lines.length) description += `\n… +${lines.length - shown}`;
  return {
    color: COLORS.info,
    title: `${t.indexTitle} (${summary.sources.length})`,
    description: description || t.indexEmpty,
    fields: [
      {
        name: t.lastIngest,
        value: truncate(discordTimestamp(summary.builtAt), LIMITS.fieldValue),
        inline: true,
      },
      { name: t.embedder, value: truncate(summary.embedder || "?", LIMITS.fieldValue), inline: true },
    ],
  };
}

export function renderHelp(
  lang: Language,
  maxQuestionLength: number,
  cooldownSeconds: number,
  modelProblems: string[] = [],
): APIEmbed {
  const t = MESSAGES[lang];
  return {
    color: COLORS.info,
    title: t.helpTitle,
    description: t.helpBody(maxQuestionLength, cooldownSeconds),
    // An admin reading /help learns why answers are quoted rather than written by the model.
    ...(modelProblems.length > 0
      ? { fields: [{ name: "⚠️ Ollama", value: modelProblems.join("\n").slice(0, 1000) }] }
      : {}),
  };
}
