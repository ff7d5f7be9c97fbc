import { HEADING_SEPARATOR } from "../chunk/chunker.js";
import type { Side } from "../text/lexicon.js";
import { sideOf } from "../text/sides.js";
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

/**
 * Which side a passage speaks for: the side its heading path names ("Meta LLaMA系列" is open),
 * else the sides its text names, in either language and through known model families
 * (src/text/sides.ts); "both" when it speaks for the two.
 */
export function passageSide(chunk: Chunk): Side | "both" | null {
  const heading = sideOf(chunk.headingPath.join(" "));
  if (heading === "open" || heading === "closed") return heading;
  return sideOf(chunk.text);
}
