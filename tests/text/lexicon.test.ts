import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  LEXICON,
  LEXICON_DIR,
  LexiconError,
  loadLexicon,
  SIDES,
  sideWordPattern,
} from "../../src/text/lexicon.js";

describe("lexicon", () => {
  it("loads the shipped lists", () => {
    expect(LEXICON.domainTerms).toContain("闭源");
    expect(LEXICON.stopWords.has("的")).toBe(true);
    expect(LEXICON.glossary["open-source"]).toEqual(["开源"]);
    expect(LEXICON.zhSynonyms.便宜).toContain("成本");
    expect(LEXICON.genericWords.has("大模型")).toBe(true);
    expect(SIDES.map((s) => LEXICON.sides[s].word)).toEqual(["开源", "闭源"]);
    expect(LEXICON.sides.closed.labels.en).toBe("Closed source");
    expect(sideWordPattern()).toBe("开源|闭源");
  });

  describe("a malformed file", () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "lexicon-"));
      await cp(LEXICON_DIR, dir, { recursive: true });
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    const edit = async (file: string, change: (data: Record<string, unknown>) => void) => {
      const data = JSON.parse(await readFile(path.join(dir, file), "utf8"));
      change(data);
      await writeFile(path.join(dir, file), JSON.stringify(data));
    };

    it("names the file and the entry at fault", async () => {
      await edit("sides.json", (d) => {
        (d.closed as { queryWords: unknown[] }).queryWords.push(42);
      });
      expect(() => loadLexicon(dir)).toThrow(LexiconError);
      expect(() => loadLexicon(dir)).toThrow(/sides\.json[\s\S]*closed\.queryWords\.5: Expected string/);
    });

    it("rejects an upper-case term, which could never match lower-cased text", async () => {
      await edit("domain-terms.json", (d) => {
        (d.terms as string[]).push("ChatGLM");
      });
      expect(() => loadLexicon(dir)).toThrow(/domain-terms\.json[\s\S]*terms\.\d+: must be lower-case/);
    });

    it("reports a missing list and a file that is not JSON", async () => {
      await edit("glossary.json", (d) => {
        delete d.zhSynonyms;
      });
      expect(() => loadLexicon(dir)).toThrow(/glossary\.json[\s\S]*zhSynonyms: Required/);
      await writeFile(path.join(dir, "generic-words.json"), "{ words: [");
      await cp(path.join(LEXICON_DIR, "glossary.json"), path.join(dir, "glossary.json"));
      expect(() => loadLexicon(dir)).toThrow(/generic-words\.json is malformed/);
    });
  });
});
