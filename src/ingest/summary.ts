import type { SkippedFile } from "../corpus/load.js";

export interface IngestSummary {
  buildId: string;
  files: { added: number; changed: number; unchanged: number; removed: number; skipped: number };
  chunks: { embedded: number; reused: number; total: number };
  /** Why everything was re-embedded, when it was. */
  rebuildReason: string | null;
  skipped: SkippedFile[];
  /** Blocks of page furniture cleaning removed, per file that had any, most first. */
  cleaned: Array<{ source: string; removedBlocks: number }>;
  seconds: number;
}

/** Files by blocks removed, most first; files with none left out. */
export function cleanedFiles(entries: Array<[string, number]>): IngestSummary["cleaned"] {
  return entries
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([source, removedBlocks]) => ({ source, removedBlocks }));
}

/** "143 blocks of page furniture removed (a.html 111, b.txt 20, …)", or null when none were. */
function cleanedPart(cleaned: IngestSummary["cleaned"]): string | null {
  const total = cleaned.reduce((n, c) => n + c.removedBlocks, 0);
  if (total === 0) return null;
  const top = cleaned.slice(0, 5).map((c) => `${c.source} ${c.removedBlocks}`);
  const more = cleaned.length > 5 ? `, ${cleaned.length - 5} more files` : "";
  return `${total} blocks of page furniture removed (${top.join(", ")}${more}); see npm run inspect -- --removed FILE`;
}

export interface IngestProgress {
  done: number;
  total: number;
}

const filesPart = (f: IngestSummary["files"]) =>
  `${f.added} added, ${f.changed} changed, ${f.unchanged} unchanged, ${f.removed} removed, ${f.skipped} skipped`;
const passagesPart = (c: IngestSummary["chunks"]) =>
  `${c.embedded} embedded, ${c.reused} reused, ${c.total} total`;

/** One line, for a Discord reply or a log. */
export function formatIngestSummary(s: IngestSummary): string {
  return `files ${filesPart(s.files)}; passages ${passagesPart(s.chunks)}; ${s.seconds.toFixed(1)} s`;
}

/** The ingest CLI's closing report, one figure per line. */
export function formatIngestReport(
  s: IngestSummary,
  where: { indexDir: string; embedderId: string },
): string {
  return [
    `index ${s.buildId} ready in ${where.indexDir}${s.rebuildReason ? ` (full rebuild: ${s.rebuildReason})` : ""}`,
    `files:  ${filesPart(s.files)}`,
    `chunks: ${passagesPart(s.chunks)} (${where.embedderId})`,
    ...(cleanedPart(s.cleaned) ? [`clean:  ${cleanedPart(s.cleaned)}`] : []),
    `time:   ${s.seconds.toFixed(2)} s`,
    "",
  ].join("\n");
}

export function progressLine({ done, total }: IngestProgress): string {
  return `embedded ${done}/${total} passages`;
}

/**
 * Pass on progress about every tenth of the way (and at the end): a line per embedded batch
 * would flood a chat reply or a log at 100k passages.
 */
export function throttleProgress(
  report: (progress: IngestProgress) => void,
): (progress: IngestProgress) => void {
  let lastReported = -1;
  return (progress) => {
    const { done, total } = progress;
    if (total === 0 || done === lastReported) return;
    if (done === total || done - lastReported >= Math.max(1, Math.ceil(total / 10))) {
      lastReported = done;
      report(progress);
    }
  };
}
