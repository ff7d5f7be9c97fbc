import { describe, expect, it } from "vitest";
import { balanceSides } from "../../src/retrieve/balance.js";
import type { ScoredPassage } from "../../src/retrieve/passages.js";
import type { Side } from "../../src/text/lexicon.js";
import { passage } from "./fake-index.js";

const ranked: ScoredPassage[] = ["o1", "o2", "o3", "x4", "c5", "c6"].map((id, i) => ({
  chunk: passage(id, id),
  score: 10 - i,
}));
/** o… speaks for the open side, c… for the closed one, x… for neither. */
const speaksFor = (p: ScoredPassage, side: Side) => p.chunk.id.startsWith(side === "open" ? "o" : "c");
const ids = (ps: ScoredPassage[]) => ps.map((p) => p.chunk.id);

describe("side balancing", () => {
  it("is the first k when the question is no comparison", () => {
    expect(ids(balanceSides(ranked, 3, null))).toEqual(["o1", "o2", "o3"]);
  });

  it("brings in the best passage of a missing side in place of the lowest unprotected one", () => {
    expect(ids(balanceSides(ranked, 3, speaksFor))).toEqual(["o1", "o2", "c5"]);
  });

  it("never replaces the passage that represents the other side, adding one beyond k instead", () => {
    expect(ids(balanceSides(ranked, 1, speaksFor))).toEqual(["o1", "c5"]);
    const closedFirst = [...ranked].reverse();
    expect(ids(balanceSides(closedFirst, 2, speaksFor))).toEqual(["c6", "o3"]);
  });

  it("appends when the ranking is shorter than k, and leaves a side out when no passage speaks for it", () => {
    const short = ranked.slice(0, 2);
    expect(ids(balanceSides(short, 3, speaksFor))).toEqual(["o1", "o2"]);
    expect(ids(balanceSides([ranked[0], ranked[4]] as ScoredPassage[], 3, speaksFor))).toEqual(["o1", "c5"]);
  });
});
