import { describe, expect, it } from "vitest";
import {
  cleanedFiles,
  formatIngestReport,
  formatIngestSummary,
  type IngestProgress,
  type IngestSummary,
  progressLine,
  throttleProgress,
} from "../../src/ingest/summary.js";

const SUMMARY: IngestSummary = {
  buildId: "20240101000000000-abcdef",
  files: { added: 1, changed: 2, unchanged: 3, removed: 4, skipped: 5 },
  chunks: { embedded: 6, reused: 7, total: 13 },
  rebuildReason: null,
  skipped: [],
  cleaned: [],
  seconds: 1.234,
};

describe("ingest summary", () => {
  it("formats one line for chat and logs", () => {
    expect(formatIngestSummary(SUMMARY)).toBe(
      "files 1 added, 2 changed, 3 unchanged, 4 removed, 5 skipped; passages 6 embedded, 7 reused, 13 total; 1.2 s",
    );
  });

  it("formats the CLI report with the same figures, and the rebuild reason when there is one", () => {
    const report = formatIngestReport(
      { ...SUMMARY, rebuildReason: "--full" },
      { indexDir: "/idx", embedderId: "builtin:x" },
    );
    expect(report.split("\n")).toEqual([
      "index 20240101000000000-abcdef ready in /idx (full rebuild: --full)",
      "files:  1 added, 2 changed, 3 unchanged, 4 removed, 5 skipped",
      "chunks: 6 embedded, 7 reused, 13 total (builtin:x)",
      "time:   1.23 s",
      "",
    ]);
  });

  it("reports the blocks cleaning removed, the files with most first, at most five by name", () => {
    const cleaned = cleanedFiles([
      ["a.html", 3],
      ["b.txt", 0],
      ["c.md", 40],
      ["d.html", 1],
      ["e.html", 2],
      ["f.html", 2],
      ["g.html", 5],
    ]);
    expect(cleaned.map((c) => c.source)).toEqual(["c.md", "g.html", "a.html", "e.html", "f.html", "d.html"]);
    const report = formatIngestReport({ ...SUMMARY, cleaned }, { indexDir: "/idx", embedderId: "builtin:x" });
    expect(report).toContain(
      "clean:  53 blocks of page furniture removed (c.md 40, g.html 5, a.html 3, e.html 2, f.html 2, 1 more files); see npm run inspect -- --removed FILE",
    );
    expect(formatIngestReport(SUMMARY, { indexDir: "/idx", embedderId: "builtin:x" })).not.toContain(
      "clean:",
    );
  });

  it("passes progress on about every tenth of the way, always at the end, never twice", () => {
    const seen: IngestProgress[] = [];
    const report = throttleProgress((p) => seen.push(p));
    for (let done = 0; done <= 100; done++) report({ done, total: 100 });
    report({ done: 100, total: 100 });
    // Steps count from before the first report (-1), as both former copies did.
    expect(seen.map((p) => p.done)).toEqual([9, 19, 29, 39, 49, 59, 69, 79, 89, 99, 100]);
    expect(progressLine({ done: 10, total: 100 })).toBe("embedded 10/100 passages");
  });

  it("reports every step of a small job, and nothing for an empty one", () => {
    const seen: number[] = [];
    const report = throttleProgress((p) => seen.push(p.done));
    for (const done of [0, 1, 2, 3]) report({ done, total: 3 });
    report({ done: 0, total: 0 });
    expect(seen).toEqual([0, 1, 2, 3]);
  });
});
