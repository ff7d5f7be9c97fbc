/**
 * One question from acknowledgement to cited answer, the same for every front end and entry
 * (Discord's /ask and mentions alike): check the question, queue (showing the place in line),
 * stream the answer into the first message about once a second, then replace it with the
 * rendered answer and send any further parts as follow-ups. Errors are not handled here: they go
 * up to the entry point, which alone decides what the user sees (presentError).
 */
import { normaliseQuestion } from "../text/question.js";
import type { ConversationTurn, Language } from "../types.js";
import type { AnswerRecord } from "./answer-store.js";
import type { ChatContext } from "./context.js";
import { ShuttingDownError } from "./errors.js";
import { MESSAGES, queuedMessage } from "./i18n.js";
import type { AnswerRenderer, ReplyTarget } from "./ports.js";
import { createThrottledEditor } from "./throttle.js";

/**
 * Why a non-empty question is refused before any work, in `language`, or null when it may be
 * asked. Taking the turn starts the user's cooldown, so call it once per question. The length
 * limit applies to what the answerer will read (normaliseQuestion): a pasted link or a role
 * mention does not make a short question too long.
 */
export function refuseQuestion(
  question: string,
  userId: string,
  language: Language,
  ctx: Pick<ChatContext, "config" | "cooldown">,
): string | null {
  const t = MESSAGES[language];
  const max = ctx.config.chat.maxQuestionLength;
  const { length } = normaliseQuestion(question).text;
  if (length > max) return t.tooLong(max, length);
  const wait = ctx.cooldown.take(userId);
  return wait > 0 ? t.cooldown(wait) : null;
}

export interface AskRequest {
  /** Goes into the ids of controls under the answer; Discord uses the interaction or question message id. */
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

/** The front end's side of one answer: how it looks and where it goes. */
export interface AskFrontEnd<M> {
  renderer: AnswerRenderer<M>;
  target: ReplyTarget<M>;
}

export async function runAsk<M>(
  req: AskRequest,
  { renderer, target }: AskFrontEnd<M>,
  ctx: ChatContext,
): Promise<AnswerRecord> {
  const log = ctx.logger.child({ command: req.command ?? "ask", userId: req.userId, answerId: req.answerId });
  const editor = createThrottledEditor((text) => target.showText(text), {
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
            if (partial.trim()) editor.push(renderer.streaming(partial));
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

  const messages = renderer.answer({
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
