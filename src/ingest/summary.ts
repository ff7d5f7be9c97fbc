import type { SkippedFile } from "../corpus/load.js";

export interface IngestSummary {
  buildId: string;
  files: { added: number; changed: number; unchanged: number; removed: number; skipped: number };
  chunks: { embedded: number; reused: number; total: number };
  /** Why everything was re-embedded, when it was. */
  rebuildReason: string | null;
  skipped: SkippedFile[];
  seconds: number;
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
