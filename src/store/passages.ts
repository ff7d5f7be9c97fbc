/**
 * The passages of a build as typed-array files: every passage's text in one UTF-8 file read by
 * offset, its id in a sorted table (found by binary search), and its other fields as integers
 * into a table of the distinct strings (sources, titles, headings, urls, kinds, leads), which repeat
 * from passage to passage. Loading reads these files and parses nothing; a passage becomes a
 * Chunk object only when someone asks for it, so a million passages cost no million objects.
 *
 *   text.utf8 + text-offsets.f64       passage i's text: bytes offsets[i] … offsets[i + 1]
 *   ids.utf8 + ids-offsets.f64         passage i's chunk id, the same way
 *   ids-sorted.u32                     positions in the byte order of their ids
 *   strings.utf8 + strings-offsets.f64 the distinct strings the fields below point into
 *   fields.i32                         per passage, FIELDS.length integers (see FIELDS); -1: absent
 *   headings.u32                       string indexes of the heading paths, one after another
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Chunk, PassageKind } from "../types.js";
import {
  findSorted,
  readTyped,
  StringFileWriter,
  StringTable,
  StringTableWriter,
  sortedOrder,
  writeTyped,
} from "./binary.js";

const FIELDS = [
  "source",
  "title",
  "url",
  "kind",
  "ordinal",
  "start",
  "end",
  "headingsAt",
  "headings",
  "lead",
] as const;
const STRIDE = FIELDS.length;
const F = Object.fromEntries(FIELDS.map((name, i) => [name, i])) as Record<(typeof FIELDS)[number], number>;

const FILES = {
  text: "text.utf8",
  textOffsets: "text-offsets.f64",
  ids: "ids.utf8",
  idOffsets: "ids-offsets.f64",
  idsSorted: "ids-sorted.u32",
  strings: "strings.utf8",
  stringOffsets: "strings-offsets.f64",
  fields: "fields.i32",
  headings: "headings.u32",
};

/** Writes the passages into `dir`; the text goes to its file in blocks as it is encoded. */
export async function writePassages(dir: string, chunks: readonly Chunk[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const at = (name: string) => path.join(dir, name);
  const strings = new StringTableWriter();
  const stringIndex = new Map<string, number>();
  const ref = (value: string | undefined): number => {
    if (value === undefined) return -1;
    let i = stringIndex.get(value);
    if (i === undefined) {
      i = strings.add(value);
      stringIndex.set(value, i);
    }
    return i;
  };
  const fields = new Int32Array(chunks.length * STRIDE);
  const headings: number[] = [];
  const ids = new StringTableWriter();
  const text = await StringFileWriter.open(at(FILES.text));
  try {
    for (const [i, c] of chunks.entries()) {
      const row = i * STRIDE;
      fields[row + F.source] = ref(c.source);
      fields[row + F.title] = ref(c.title);
      fields[row + F.url] = ref(c.url);
      fields[row + F.kind] = ref(c.kind);
      fields[row + F.ordinal] = c.ordinal;
      fields[row + F.start] = c.start;
      fields[row + F.end] = c.end;
      fields[row + F.headingsAt] = headings.length;
      fields[row + F.headings] = c.headingPath.length;
      for (const h of c.headingPath) headings.push(ref(h));
      fields[row + F.lead] = ref(c.lead);
      ids.add(c.id);
      await text.add(c.text);
    }
  } finally {
    await text.close(at(FILES.textOffsets));
  }
  await ids.save(at(FILES.ids), at(FILES.idOffsets));
  await writeTyped(at(FILES.idsSorted), sortedOrder(chunks.map((c) => c.id)));
  await strings.save(at(FILES.strings), at(FILES.stringOffsets));
  await writeTyped(at(FILES.fields), fields);
  await writeTyped(at(FILES.headings), Uint32Array.from(headings));
}

/** A loaded passage store: passages by position or by id, decoded on demand. */
export class PassageStore {
  /** Distinct strings decoded once each, on first use. */
  private readonly decoded: Array<string | undefined>;

  private constructor(
    private readonly text: StringTable,
    private readonly ids: StringTable,
    private readonly idsSorted: Uint32Array,
    private readonly strings: StringTable,
    private readonly fields: Int32Array,
    private readonly headings: Uint32Array,
  ) {
    this.decoded = new Array(strings.count);
  }

  static async load(dir: string): Promise<PassageStore> {
    const at = (name: string) => path.join(dir, name);
    const [text, ids, idsSorted, strings, fields, headings] = await Promise.all([
      StringTable.load(at(FILES.text), at(FILES.textOffsets)),
      StringTable.load(at(FILES.ids), at(FILES.idOffsets)),
      readTyped(at(FILES.idsSorted), Uint32Array),
      StringTable.load(at(FILES.strings), at(FILES.stringOffsets)),
      readTyped(at(FILES.fields), Int32Array),
      readTyped(at(FILES.headings), Uint32Array),
    ]);
    if (fields.length !== ids.count * STRIDE || text.count !== ids.count)
      throw new Error(`${dir}: the passage files disagree on how many passages there are`);
    return new PassageStore(text, ids, idsSorted, strings, fields, headings);
  }

  get count(): number {
    return this.ids.count;
  }

  idAt(position: number): string {
    return this.ids.at(position);
  }

  /** The position of the first passage with this id, or -1. */
  positionOf(id: string): number {
    return findSorted(this.ids, this.idsSorted, id);
  }

  private string(i: number): string {
    let s = this.decoded[i];
    if (s === undefined) {
      s = this.strings.at(i);
      this.decoded[i] = s;
    }
    return s;
  }

  /** The passage at a position, as ingest produced it (the same fields in the same order). */
  at(position: number): Chunk {
    const row = position * STRIDE;
    const field = (name: keyof typeof F) => this.fields[row + F[name]]!;
    const url = field("url");
    const kind = field("kind");
    const lead = field("lead");
    const headingsAt = field("headingsAt");
    const headingPath: string[] = [];
    for (let h = 0; h < field("headings"); h++) headingPath.push(this.string(this.headings[headingsAt + h]!));
    return {
      id: this.ids.at(position),
      source: this.string(field("source")),
      title: this.string(field("title")),
      ...(url >= 0 ? { url: this.string(url) } : {}),
      headingPath,
      ordinal: field("ordinal"),
      start: field("start"),
      end: field("end"),
      text: this.text.at(position),
      ...(kind >= 0 ? { kind: this.string(kind) as PassageKind } : {}),
      ...(lead >= 0 ? { lead: this.string(lead) } : {}),
    };
  }
}
