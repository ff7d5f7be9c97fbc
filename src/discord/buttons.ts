/**
 * The buttons under an answer. Their custom ids carry the answer id; the answer itself lives in
 * the bounded answer store, so a button on an answer that has been dropped (or from before a
 * restart) gets an honest "too old" reply instead of a wrong one.
 */
import { type ButtonInteraction, MessageFlags } from "discord.js";
import { languageFromLocale } from "../text/language.js";
import { noMentions } from "./client.js";
import type { BotContext } from "./context.js";
import { MESSAGES } from "./messages.js";
import { parseButtonId, renderPassagePages } from "./render.js";

/** Handles a click; returns false when the button is not one of ours. Throws on failure. */
export async function handleButton(interaction: ButtonInteraction, ctx: BotContext): Promise<boolean> {
  const parsed = parseButtonId(interaction.customId);
  if (!parsed) return false;
  const record = ctx.store.get(parsed.answerId);
  const lang = record?.result.language ?? languageFromLocale(interaction.locale);
  const t = MESSAGES[lang];
  if (!record) {
    await interaction.reply({
      content: t.answerTooOld,
      flags: MessageFlags.Ephemeral,
      allowedMentions: noMentions(),
    });
    return true;
  }
  if (parsed.action === "passages") {
    // Every cited source, over several private messages when one cannot hold them all.
    const [first, ...more] = renderPassagePages(record.result);
    await interaction.reply({ ...first, flags: MessageFlags.Ephemeral, allowedMentions: noMentions() });
    for (const page of more)
      await interaction.followUp({ ...page, flags: MessageFlags.Ephemeral, allowedMentions: noMentions() });
    return true;
  }
  await ctx.feedback.append({
    time: new Date(ctx.clock()).toISOString(),
    question: record.question,
    answer: record.result.answer,
    citations: record.result.citations,
    vote: parsed.action,
    userId: interaction.user.id,
  });
  ctx.logger.info(
    { command: "feedback", userId: interaction.user.id, answerId: record.id, vote: parsed.action },
    "feedback recorded",
  );
  await interaction.reply({
    content: t.feedbackThanks(parsed.action),
    flags: MessageFlags.Ephemeral,
    allowedMentions: noMentions(),
  });
  return true;
}
