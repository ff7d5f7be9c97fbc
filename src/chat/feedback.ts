/** 👍/👎 votes, one JSON object per line: easy to append to, to tail, and to load for evaluation. */
import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { Citation } from "../types.js";

export interface FeedbackEntry {
  time: string;
  question: string;
  answer: string;
  citations: Citation[];
  vote: "up" | "down";
  userId: string;
}

export class FeedbackLog {
  /** Appends run one after another so two votes at once never interleave within a line. */
  #tail: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  append(entry: FeedbackEntry): Promise<void> {
    const line = `${JSON.stringify(entry)}\n`;
    const write = this.#tail.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      await appendFile(this.file, line, "utf8");
    });
    this.#tail = write.catch(() => {});
    return write;
  }
}
