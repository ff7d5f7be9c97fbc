/**
 * The last N answers, so that buttons under them (passages, votes) and follow-up replies still
 * work after the fact. Bounded: the oldest answer is dropped first, and a button on a dropped
 * answer gets an honest "too old" reply rather than a guess.
 */
import type { AskResult } from "../types.js";

export interface AnswerRecord {
  /** The id used in the answer's button custom ids (the interaction or the question message id). */
  id: string;
  question: string;
  userId: string;
  result: AskResult;
  createdAt: number;
  /** Messages that show this answer, first to last. */
  messageIds: string[];
  /** The message the question itself replied to, if any: where a reply chain continues. */
  parentMessageId?: string;
}

export class AnswerStore {
  readonly #records = new Map<string, AnswerRecord>();
  readonly #byMessage = new Map<string, string>();

  constructor(readonly capacity: number) {
    if (capacity < 1) throw new RangeError("capacity must be ≥ 1");
  }

  get size(): number {
    return this.#records.size;
  }

  put(record: AnswerRecord): void {
    this.#records.delete(record.id);
    this.#records.set(record.id, record);
    for (const m of record.messageIds) this.#byMessage.set(m, record.id);
    while (this.#records.size > this.capacity) {
      const oldest = this.#records.keys().next().value;
      if (oldest === undefined) break;
      const dropped = this.#records.get(oldest);
      this.#records.delete(oldest);
      for (const m of dropped?.messageIds ?? []) this.#byMessage.delete(m);
    }
  }

  get(id: string): AnswerRecord | undefined {
    return this.#records.get(id);
  }

  byMessageId(messageId: string): AnswerRecord | undefined {
    const id = this.#byMessage.get(messageId);
    return id === undefined ? undefined : this.#records.get(id);
  }
}
