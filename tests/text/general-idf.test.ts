import { describe, expect, it } from "vitest";
import { generalIdf, pairIdf } from "../../src/text/general-idf.js";

describe("general IDF", () => {
  const { table } = generalIdf();
  const pairs = [...table].filter(([word]) => word.length === 2);

  it("has thousands of two-character words (what the pair lookup is for)", () => {
    expect(pairs.length).toBeGreaterThan(10_000);
  });

  it("looks up a pair of characters exactly as the table looks up the two-character word", () => {
    for (const [word, value] of pairs) {
      expect(pairIdf(word.charCodeAt(0), word.charCodeAt(1))).toBe(value);
    }
    // Pairs the table does not have, including ones whose characters it has in other words.
    let absent = 0;
    for (let c1 = 0x4e00; c1 < 0x9fff; c1 += 97) {
      for (let c2 = 0x4e00; c2 < 0x9fff; c2 += 89) {
        const word = String.fromCharCode(c1, c2);
        expect(pairIdf(c1, c2)).toBe(table.get(word));
        if (!table.has(word)) absent++;
      }
    }
    expect(absent).toBeGreaterThan(1000);
    expect(pairIdf(0x41, 0x42)).toBe(table.get("AB"));
  });
});
