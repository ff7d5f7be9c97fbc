/**
 * One question from acknowledgement to cited answer, the same for /ask and for mentions:
 * queue (showing the place in line), stream the answer into the first message about once a
 * second, then replace it with the final embed(s) and send any further parts as follow-ups.
 * Errors are not handled here: they go up to the entry point, which alone decides what the user sees.
 */

import type { BotContext } from "../discord/context.js";
import { type OutgoingMessage, renderAnswer, renderStreaming } from "../discord/render.js";
import type { ConversationTurn } from "../types.js";
import type { AnswerRecord } from "./answer-store.js";
import { ShuttingDownError } from "./errors.js";
import { MESSAGES, queuedMessage } from "./i18n.js";
import { createThrottledEditor } from "./throttle.js";

/** Where an answer is shown: the deferred interaction reply, or the bot's reply to a mention. */
export interface AnswerTarget {
  /** Replaces the first message's content (and embeds/components when given). */
  edit(message: Partial<OutgoingMessage> & { content: string }): Promise<{ id: string }>;
  /** Sends a further message after the last one. */
  followUp(message: OutgoingMessage): Promise<{ id: string }>;
}

export interface AskRequest {
  /** Used in button ids; the interaction id or the question message's id. */
  answerId: string;
  question: string;
  history: ConversationTurn[];
  userId: string;
  /** When the question arrived, for the "time taken" in the footer. */
  receivedAt: number;
  /** The message the question replied to, so a later follow-up can continue the chain. */
  parentMessageId?: string;
  /** For logs: "ask" or "mention". */
  command?: string;
}

export async function runAsk(req: AskRequest, target: AnswerTarget, ctx: BotContext): Promise<AnswerRecord> {
  const log = ctx.logger.child({ command: req.command ?? "ask", userId: req.userId, answerId: req.answerId });
  const editor = createThrottledEditor((content) => target.edit({ content }), {
    intervalMs: ctx.options.streamIntervalMs,
    clock: ctx.clock,
    onError: (err) => log.warn({ err }, "progress edit failed"),
  });

  let queued = false;
  let result: Awaited<ReturnType<typeof ctx.answerer.ask>>;
  try {
    result = await ctx.queue.run(
      async () => {
        if (ctx.signal.aborted) throw new ShuttingDownError();
        if (queued) editor.push(`${MESSAGES.zh.thinking} / ${MESSAGES.en.thinking}`);
        const started = ctx.clock();
        const r = await ctx.answerer.ask(req.question, {
          history: req.history,
          signal: ctx.signal,
          onProgress: (partial) => {
            if (partial.trim()) editor.push(renderStreaming(partial));
          },
        });
        log.info(
          {
            ms: ctx.clock() - started,
            citations: r.citations.length,
            refused: r.refused,
            history: req.history.length,
          },
          "answered",
        );
        return r;
      },
      (position) => {
        queued = true;
        editor.push(queuedMessage(position));
      },
    );
  } catch (err) {
    // Aborted by a shutdown: say so, rather than report whatever the abort looked like inside.
    if (ctx.signal.aborted) throw new ShuttingDownError();
    throw err;
  } finally {
    // A progress edit still on the wire must land before the final answer, never after it.
    await editor.stop();
  }

  const messages = renderAnswer({
    question: req.question,
    result,
    answerId: req.answerId,
    elapsedMs: ctx.clock() - req.receivedAt,
  });
  const [first, ...rest] = messages;
  const messageIds: string[] = [];
  if (first) messageIds.push((await target.edit(first)).id);
  const record: AnswerRecord = {
    id: req.answerId,
    question: req.question,
    userId: req.userId,
    result,
    createdAt: ctx.clock(),
    messageIds,
    ...(req.parentMessageId ? { parentMessageId: req.parentMessageId } : {}),
  };
  // Stored before the follow-ups so the buttons work even while later parts are still being sent.
  ctx.store.put(record);
  try {
    for (const part of rest) {
      messageIds.push((await target.followUp(part)).id);
      ctx.store.put(record);
    }
  } catch (err) {
    // The first part is already visible; replacing it with an error message would lose more than it tells.
    log.error({ err, sent: messageIds.length, parts: messages.length }, "sending a follow-up part failed");
  }
  return record;
}
