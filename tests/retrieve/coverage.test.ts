import { describe, expect, it } from "vitest";
import { conceptWeight } from "../../src/retrieve/coverage.js";
import type { QueryTerm } from "../../src/retrieve/query.js";
import { expressesConcept } from "../../src/text/concepts.js";

/** An index of 100 passages in which each term occurs in the given number of them. */
const index = (df: Record<string, number>) => ({ size: 100, documentFrequency: (t: string) => df[t] ?? 0 });
const idf = (df: number) => Math.log(1 + (100 - df + 0.5) / (df + 0.5));
const term = (surface: string, parts: string[], extra: Partial<QueryTerm> = {}): QueryTerm => ({
  surface,
  name: false,
  alternatives: [surface],
  parts,
  ...extra,
});

describe("concept weight", () => {
  it("weighs a compound written out in parts as rare as its rarest part, since all of them must be there", () => {
    // expressesConcept asks for every part; a passage holding 技术 alone does not express 技术垄断.
    const concept = term("技术垄断", ["技术", "垄断"]);
    expect(expressesConcept(concept, { terms: new Set(["技术"]), text: "技术" })).toBe(false);
    expect(conceptWeight(index({ 技术: 40, 垄断: 2 }), concept)).toBeCloseTo(idf(2), 10);
    // Written whole more often than its rarest part: the whole word's frequency counts.
    expect(conceptWeight(index({ 技术垄断: 5, 技术: 40, 垄断: 2 }), concept)).toBeCloseTo(idf(5), 10);
  });

  it("weighs nothing for an English compound outside the glossary whose parts never occur together", () => {
    // "health-tech": "health" is in one passage, "tech" in none, so no passage can express it.
    const concept = term("health-tech", ["health", "tech"], { soft: true });
    expect(conceptWeight(index({ health: 1 }), concept)).toBe(0);
    expect(conceptWeight(index({ health: 1, tech: 3 }), concept)).toBeCloseTo(idf(1), 10);
  });

  it("weighs a concept the articles never use like the rarest word, unless it is only phrasing", () => {
    expect(conceptWeight(index({}), term("天气", []))).toBeCloseTo(idf(0), 10);
    expect(conceptWeight(index({}), term("spend", [], { soft: true }))).toBe(0);
  });
});
