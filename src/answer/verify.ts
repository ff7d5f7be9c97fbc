import type { Tokenizer } from "../text/tokenizer.js";
import { MIN_SUPPORT, supportShare } from "./support.js";

export interface VerifiedAnswer<S> {
  /** The answer with markers renumbered 1..n in order of first use. */
  text: string;
  /** Cited sources, index i is marker [i+1]. */
  cited: S[];
  /** Markers removed and why, for logs and tests. */
  dropped: Array<{ marker: number; reason: "no-such-source" | "unsupported" }>;
}

const MARKER_GROUP = /\[(\d+(?:\s*[,，、]\s*\d+)*)\]/g;
const BOUNDARY = /[。！？!?；;\n]|\.(?=\s)/g;

/** The claim a marker sits on: the sentence before it, whether the marker precedes or follows the full stop. */
function claimBefore(answer: string, markerStart: number): string {
  const before = answer.slice(0, markerStart).replace(/[\s。！？!?；;.]+$/u, "");
  let start = 0;
  for (const m of before.matchAll(BOUNDARY)) start = (m.index ?? 0) + 1;
  return before.slice(start).replace(MARKER_GROUP, "").trim();
}

/**
 * Check every [n] in an answer against the sources it was given: markers that point nowhere are
 * removed, a citation whose passage does not support the sentence citing it is dropped, sources
 * never cited are not listed, and what remains is renumbered in order of first use.
 */
export function verifyCitations<S extends { text: string }>(
  answer: string,
  sources: S[],
  tokenizer: Tokenizer,
): VerifiedAnswer<S> {
  const dropped: VerifiedAnswer<S>["dropped"] = [];
  const renumber = new Map<number, number>();
  const cited: S[] = [];
  const text = answer.replace(MARKER_GROUP, (_match, group: string, offset: number) => {
    const claim = claimBefore(answer, offset);
    const kept: number[] = [];
    for (const n of group.split(/\s*[,，、]\s*/).map(Number)) {
      const source = sources[n - 1];
      if (!source) {
        dropped.push({ marker: n, reason: "no-such-source" });
        continue;
      }
      const share = supportShare(claim, source.text, tokenizer);
      if (share !== null && share < MIN_SUPPORT) {
        dropped.push({ marker: n, reason: "unsupported" });
        continue;
      }
      if (!renumber.has(n)) {
        renumber.set(n, cited.length + 1);
        cited.push(source);
      }
      const m = renumber.get(n) ?? 0;
      if (!kept.includes(m)) kept.push(m);
    }
    return kept.map((m) => `[${m}]`).join("");
  });
  return {
    text: text
      .replace(/[ \t]+\n/g, "\n")
      .replace(/ {2,}/g, " ")
      .trim(),
    cited,
    dropped,
  };
}
