/**
 * The manifest's per-file records (Manifest.files) as typed-array files. As JSON they were most
 * of manifest.json (1.6 MB at 100k passages, 7k files), parsed on every load in one block of
 * ~27 ms; as tables, loading reads files and parses nothing, and an entry becomes an object only
 * when someone walks the list (ingest comparing files, /sources, inspect).
 *
 *   sources.utf8 + sources-offsets.f64   file i's path in the corpus
 *   sha256.utf8 + sha256-offsets.f64     its content hash
 *   titles.utf8 + titles-offsets.f64     its title
 *   urls.utf8 + urls-offsets.f64         its url, "" for none
 *   counts.f64                           its passages and removedBlocks (-1: not recorded)
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { readTyped, StringTable, StringTableWriter, writeTyped } from "./binary.js";
import type { FileEntry } from "./build.js";

/** Each a string table: [bytes file, offsets file]. */
const TABLES = {
  sources: ["sources.utf8", "sources-offsets.f64"],
  sha256: ["sha256.utf8", "sha256-offsets.f64"],
  titles: ["titles.utf8", "titles-offsets.f64"],
  urls: ["urls.utf8", "urls-offsets.f64"],
} as const;
const COUNTS = "counts.f64";
/** Numbers per file in counts.f64: passages, removedBlocks. */
const STRIDE = 2;

/**
 * The files a build was made from, in the order ingest listed them. No lookup by path: every
 * reader walks the whole list, and one that needs lookups builds its Map in that walk.
 */
export class FileTable {
  private constructor(
    private readonly sourceTable: StringTable,
    private readonly sha256: StringTable,
    private readonly titles: StringTable,
    private readonly urls: StringTable,
    /** Float64: exact for any count. */
    private readonly counts: Float64Array,
  ) {}

  /** A url of "" is taken for none: the manifest never recorded an empty one. */
  static from(entries: Iterable<readonly [string, FileEntry]>): FileTable {
    const sources = new StringTableWriter();
    const sha256 = new StringTableWriter();
    const titles = new StringTableWriter();
    const urls = new StringTableWriter();
    const counts: number[] = [];
    for (const [source, entry] of entries) {
      sources.add(source);
      sha256.add(entry.sha256);
      titles.add(entry.title);
      urls.add(entry.url ?? "");
      counts.push(entry.passages, entry.removedBlocks ?? -1);
    }
    return new FileTable(
      sources.toTable(),
      sha256.toTable(),
      titles.toTable(),
      urls.toTable(),
      Float64Array.from(counts),
    );
  }

  static async load(dir: string): Promise<FileTable> {
    const table = (files: readonly [string, string]) =>
      StringTable.load(path.join(dir, files[0]), path.join(dir, files[1]));
    const [sources, sha256, titles, urls, counts] = await Promise.all([
      table(TABLES.sources),
      table(TABLES.sha256),
      table(TABLES.titles),
      table(TABLES.urls),
      readTyped(path.join(dir, COUNTS), Float64Array),
    ]);
    const n = sources.count;
    if (sha256.count !== n || titles.count !== n || urls.count !== n || counts.length !== n * STRIDE)
      throw new Error(`${dir}: the file table's files disagree on how many files there are`);
    return new FileTable(sources, sha256, titles, urls, counts);
  }

  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const save = (table: StringTable, files: readonly [string, string]) =>
      table.save(path.join(dir, files[0]), path.join(dir, files[1]));
    await save(this.sourceTable, TABLES.sources);
    await save(this.sha256, TABLES.sha256);
    await save(this.titles, TABLES.titles);
    await save(this.urls, TABLES.urls);
    await writeTyped(path.join(dir, COUNTS), this.counts);
  }

  get count(): number {
    return this.sourceTable.count;
  }

  /** The files' paths, in the order ingest listed them. */
  *sources(): IterableIterator<string> {
    for (let i = 0; i < this.count; i++) yield this.sourceTable.at(i);
  }

  /** [path, entry] of every file, in the order ingest listed them, each decoded as it is reached. */
  *entries(): IterableIterator<[string, FileEntry]> {
    for (let i = 0; i < this.count; i++) yield [this.sourceTable.at(i), this.at(i)];
  }

  private at(i: number): FileEntry {
    const entry: FileEntry = {
      sha256: this.sha256.at(i),
      title: this.titles.at(i),
      passages: this.counts[i * STRIDE]!,
    };
    const url = this.urls.at(i);
    if (url !== "") entry.url = url;
    const removedBlocks = this.counts[i * STRIDE + 1]!;
    if (removedBlocks >= 0) entry.removedBlocks = removedBlocks;
    return entry;
  }
}
