/**
 * What a front end gives the chat layer so that one ask flow serves Discord, Slack or a test: a
 * renderer that turns answers into the front end's messages, and a reply target that shows them
 * where the user asked. `M` is the front end's message type (for Discord, embeds plus buttons);
 * the chat layer never looks inside it.
 */
import type { AskResult } from "../types.js";

/** The answer to show, with what a renderer needs besides the result itself. */
export interface AnswerView {
  question: string;
  result: AskResult;
  /** Goes into the ids of controls under the answer (buttons), to find the answer again. */
  answerId: string;
  /** Time from receiving the question to the answer, as the user experienced it. */
  elapsedMs: number;
}

export interface AnswerRenderer<M> {
  /** The text to show while the answer streams in, given the partial answer so far. */
  streaming(partial: string): string;
  /** The final answer as the messages to send, first to last; at least one. */
  answer(view: AnswerView): M[];
}

/** Where one answer is shown: a first message that is edited in place, then any further messages. */
export interface ReplyTarget<M> {
  /** Replaces what the first message shows with plain text: queue position, "thinking", streaming. */
  showText(text: string): Promise<unknown>;
  /** Replaces the first message with the answer's first part. */
  edit(message: M): Promise<{ id: string }>;
  /** Sends a further part after the last one. */
  followUp(message: M): Promise<{ id: string }>;
}
