/**
 * Discord's message limits. discord.js enforces none of them: a payload over any limit is
 * rejected with 400 (code 50035) and the user sees nothing, so every renderer measures itself
 * against these numbers. Lengths are counted in UTF-16 units (`String#length`), which is never
 * less than Discord's own count, so staying within them here is safe (cut with
 * src/chat/truncate.ts).
 */
import type { APIEmbed } from "discord.js";

export const LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  /** Sum of title, description, field names and values, footer text and author name over all embeds. */
  embedsTotal: 6000,
  buttonLabel: 80,
  customId: 100,
} as const;

/** The characters of one embed that count towards the 6000 total. */
export function embedLength(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  n += embed.footer?.text.length ?? 0;
  n += embed.author?.name.length ?? 0;
  return n;
}
