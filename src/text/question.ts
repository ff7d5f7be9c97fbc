/**
 * A question as people type it in a chat, reduced to the question itself. Discord users decorate
 * what they ask: they ping a role or @everyone, paste a link, wrap the question in a code block
 * or a quote, number it ("1. …", "… (0)", "… #12") and end it with an emoji. None of that is
 * part of the question, yet every stray token changes retrieval and can tip the refusal decision,
 * so the answerer reads only what this leaves. It removes markup and keeps wording: no folding
 * (the tokenizer folds, src/text/normalize.ts), no punctuation changes, and a plain question
 * comes out as it went in. Idempotent, so a front end may read a question before the answerer
 * does without changing what the answerer sees.
 */

export interface NormalisedQuestion {
  /** What retrieval, refusal and the answer see; "" when nothing of a question is left. */
  text: string;
  /** Links removed from the question, in order, for logs. */
  urls: string[];
  /** The question exactly as received, for display. */
  original: string;
}

/** Invisible characters that change tokens but not what the user sees; ZWJ goes too (emoji are removed anyway). */
const INVISIBLE =
  /\u034f|[\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]/g;
/** C0/C1 controls except tab and line breaks (whitespace, collapsed later). */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** User (<@1>, <@!1>), role (<@&1>) and channel (<#1>) mentions, slash-command mentions (</ask:1>), and pings. */
const MENTION = /<(?:@[!&]?|#)\d+>|<\/[\w -]{1,32}:\d+>|(?<![\w.])@(?:everyone|here)\b/g;
/** Custom emoji, still or animated: <:name:id>, <a:name:id>. */
const CUSTOM_EMOJI = /<a?:\w{1,32}:\d+>/g;

/** A Markdown link keeps its text: [文章](https://…). */
const MARKDOWN_LINK = /\[([^\]\n]*)\]\(\s*<?((?:https?:\/\/|www\.)[^\s)>]+)>?\s*\)/gi;
/** Discord's embed-suppressed form <https://…> first, then bare links. URLs are ASCII: a link glued to Chinese text ends where the Chinese starts. */
const ANGLE_URL = /<((?:https?:\/\/|www\.)[^\s<>]+)>/gi;
const BARE_URL = /(?:https?:\/\/|www\.)[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/gi;
/**
 * Punctuation typed after a link belongs to the sentence, not the link; a closing bracket belongs
 * to the link only when the link opened it (…/wiki/A_(b)).
 */
function splitLinkTail(match: string): { url: string; tail: string } {
  const count = (text: string, ch: string) => text.split(ch).length - 1;
  let end = match.length;
  for (; end > 0; end -= 1) {
    const c = match[end - 1] ?? "";
    if (!".,;:!?'\")]".includes(c)) break;
    const open = c === ")" ? "(" : c === "]" ? "[" : "";
    if (open && count(match.slice(0, end), open) >= count(match.slice(0, end), c)) break;
  }
  return { url: match.slice(0, end), tail: match.slice(end) };
}

/** ```lang\n…``` and ```…```: the content stays, the fences and the language tag go. */
const CODE_FENCE = /```(?:[A-Za-z0-9_+#.-]{1,20}[ \t]*\n)?([\s\S]*?)```/g;
/**
 * Inline code, bold, strikethrough and spoiler markers: `…`, **…**, ~~…~~, ||…||. They go without
 * leaving a space: a space between Chinese words changes how they are segmented.
 */
const INLINE_MARKUP = /`+|\*\*|~~|\|\|/g;
/** Block quotes (> , >>> ), headings (#, ##, ###, -#) at the start of a line. */
const LINE_MARKUP = /^[ \t]*(?:>>>|>|-#|#{1,3})[ \t]+|^[ \t]*>(?=\S)/gm;

/** List numbering or a bullet before the question: 1. / 1) / 1、/ (1) / #3 / - / * / • . Not "1.5B". */
const LEADING_NUMBER =
  /^(?:[0-9０-９]{1,3}[.)、．）:：](?![0-9０-９])|[(（][0-9０-９]{1,3}[)）]|[#＃][0-9０-９]{1,4}(?=\s)|[-*+](?=\s)|[•·●▪◦‣])\s*/u;
/** A numbering tag after the question: (0), （3）, #12, [3], 【3】. "#12" only when not glued to a word (C#12). */
const TRAILING_TAG =
  /\s*(?:[(（][0-9０-９]{1,3}[)）]|(?<![A-Za-z0-9])[#＃][0-9０-９]{1,4}|[[［【][0-9０-９]{1,3}[\]］】])$/u;
/** One emoji: pictographs with skin tones, variation selectors and flags, keycaps (1️⃣), :shortcodes:. */
const EMOJI =
  "(?:[0-9#*]\\ufe0f?\\u20e3|[\\p{Extended_Pictographic}\\p{Emoji_Modifier}\\p{Regional_Indicator}\\ufe0e\\ufe0f\\u20e3]|:\\w{1,32}:)";
const EDGE_EMOJI = new RegExp(`^(?:${EMOJI}\\s*)+|(?:\\s*${EMOJI})+$`, "gu");

/** Everything that may sit around a question without being part of it, stripped until nothing changes. */
function trimEdges(text: string): string {
  let prev: string;
  let s = text;
  do {
    prev = s;
    s = s.replace(EDGE_EMOJI, "").trim();
    s = s.replace(LEADING_NUMBER, "").trim();
    s = s.replace(TRAILING_TAG, "").trim();
  } while (s !== prev);
  return s;
}

export function normaliseQuestion(raw: string): NormalisedQuestion {
  const urls: string[] = [];
  const keepUrl = (match: string): string => {
    const { url, tail } = splitLinkTail(match);
    urls.push(url);
    // Of the sentence's punctuation, only what still means something next to the rest stays.
    return ` ${tail.replace(/[.,;:'"]/g, "")} `;
  };

  let s = raw.replace(INVISIBLE, "").replace(CONTROL, "").replace(/\r\n?/g, "\n");
  s = s.replace(MARKDOWN_LINK, (_, label: string, url: string) => {
    urls.push(url);
    return ` ${label} `;
  });
  s = s.replace(ANGLE_URL, (_, url: string) => {
    urls.push(url);
    return " ";
  });
  s = s.replace(BARE_URL, keepUrl);
  s = s.replace(MENTION, " ").replace(CUSTOM_EMOJI, " ");
  s = s.replace(CODE_FENCE, (_, code: string) => ` ${code} `);
  s = s.replace(LINE_MARKUP, "").replace(INLINE_MARKUP, "");
  // Full-width and other Unicode spaces are whitespace like any other; lines become one.
  s = s.replace(/\s+/gu, " ").trim();
  // Punctuation a removed link or mention leaves alone at either end ("： 问题", "问题 ,").
  s = s.replace(/^[\s,，:：;；]+/u, "");
  return { text: trimEdges(s), urls, original: raw };
}
