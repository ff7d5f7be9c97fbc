import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/logger.js";
import { matchableText, matchableTexts } from "../../src/retrieve/coverage.js";
import type { LoadedIndex } from "../../src/store/load.js";
import { REPO } from "../helpers/app.js";

// Concept matching reads a passage's terms from the BM25 postings instead of tokenising it
// again; that is only right if the postings hold exactly the terms tokenising gives. Checked on
// the seed articles and the multi-site capture pages (tables, code, English, Traditional).
let dir: string;
let app: App;
let index: LoadedIndex;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "llm-bot-indexed-terms-"));
  await cp(path.join(REPO, "corpus"), path.join(dir, "corpus"), { recursive: true });
  await cp(path.join(REPO, "tests/fixtures/captures/pages"), path.join(dir, "corpus", "captures"), {
    recursive: true,
  });
  app = await createApp(loadConfig({ cwd: dir, env: { LOG_LEVEL: "silent" } }), { logger: silentLogger });
  await app.ensureIndex();
  index = await app.index.current();
}, 120_000);
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

describe("a passage's indexed terms", () => {
  it("are exactly the terms tokenising its heading, lead and text gives", () => {
    const chunks = index.chunks;
    expect(chunks.length).toBeGreaterThan(100);
    const vocabulary = new Set<string>();
    const tokenised = chunks.map((chunk) => {
      const terms = new Set(
        app.tokenizer.terms(`${chunk.headingPath.join(" ")} ${chunk.lead ?? ""} ${chunk.text}`),
      );
      for (const t of terms) vocabulary.add(t);
      return terms;
    });
    let checked = 0;
    chunks.forEach((chunk, i) => {
      const indexed = index.lexical.indexedTerms?.(chunk.id);
      expect(indexed, chunk.id).toBeDefined();
      const own = tokenised[i] as Set<string>;
      for (const t of own) expect(indexed?.has(t), `${chunk.id} ${t}`).toBe(true);
      // Terms of other passages that this one lacks, a stride through the whole vocabulary.
      let k = 0;
      for (const t of vocabulary) {
        if (k++ % 97 !== i % 97 || own.has(t)) continue;
        expect(indexed?.has(t), `${chunk.id} ${t}`).toBe(false);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(1000);
    expect(index.lexical.indexedTerms?.("no-such-passage")).toBeUndefined();
  });

  it("give concept matching the same views as tokenising", () => {
    const fromIndex = matchableTexts(app.tokenizer, index.lexical);
    for (const chunk of index.chunks.slice(0, 200)) {
      const a = fromIndex(chunk);
      const b = matchableText(chunk, app.tokenizer);
      expect(a.text).toBe(b.text);
      expect(a.terms).not.toBeInstanceOf(Set);
      for (const t of b.terms as Set<string>) expect(a.terms.has(t)).toBe(true);
    }
  });
});
