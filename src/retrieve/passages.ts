import { HEADING_SEPARATOR } from "../chunk/chunker.js";
import { LEXICON, type Side } from "../text/lexicon.js";
import type { Chunk, RetrievedPassage } from "../types.js";

/** A passage with its score at some stage of retrieval; higher is better. */
export interface ScoredPassage {
  chunk: Chunk;
  score: number;
}

export function passageView(s: ScoredPassage, rank: number): RetrievedPassage {
  return {
    rank,
    id: s.chunk.id,
    source: s.chunk.source,
    title: s.chunk.title,
    heading: s.chunk.headingPath.join(HEADING_SEPARATOR),
    text: s.chunk.text,
    score: Number(s.score.toFixed(6)),
  };
}

/** Which side a passage speaks for: the side named in its heading, else the one its text names more. */
export function passageSide(chunk: Chunk): Side | "both" | null {
  const open = LEXICON.sides.open.word;
  const closed = LEXICON.sides.closed.word;
  const heading = chunk.headingPath.join(" ");
  const hOpen = heading.includes(open);
  const hClosed = heading.includes(closed);
  if (hOpen !== hClosed) return hOpen ? "open" : "closed";
  const openCount = chunk.text.split(open).length - 1;
  const closedCount = chunk.text.split(closed).length - 1;
  if (openCount === 0 && closedCount === 0) return null;
  if (openCount > 0 && closedCount > 0) return "both";
  return openCount > 0 ? "open" : "closed";
}
