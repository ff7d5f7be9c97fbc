/**
 * The label → chunk id list every dense index saves beside its vectors, as a string table
 * (ids.utf8 + ids-offsets.f64) rather than JSON: read with no parsing, decoded per hit.
 */
import path from "node:path";
import { StringTable, StringTableWriter } from "../binary.js";

const BYTES_FILE = "ids.utf8";
const OFFSETS_FILE = "ids-offsets.f64";

/** Ids by label: an array while an index is built, the file's table once loaded. */
export class IdList {
  private added: string[] | null;

  constructor(
    ids: readonly string[] = [],
    private table: StringTable | null = null,
  ) {
    this.added = table ? null : [...ids];
  }

  static async load(dir: string): Promise<IdList> {
    const table = await StringTable.load(path.join(dir, BYTES_FILE), path.join(dir, OFFSETS_FILE));
    return new IdList([], table);
  }

  get count(): number {
    return this.added ? this.added.length : (this.table?.count ?? 0);
  }

  at(label: number): string {
    return (this.added ? this.added[label] : this.table?.at(label)) ?? "";
  }

  push(ids: readonly string[]): void {
    // Adding to a loaded index is rare (never at ingest, which builds afresh): decode once.
    if (!this.added) {
      const table = this.table;
      this.added = table ? Array.from({ length: table.count }, (_, i) => table.at(i)) : [];
      this.table = null;
    }
    for (const id of ids) this.added.push(id);
  }

  async save(dir: string): Promise<void> {
    const writer = new StringTableWriter();
    for (let i = 0; i < this.count; i++) writer.add(this.at(i));
    await writer.save(path.join(dir, BYTES_FILE), path.join(dir, OFFSETS_FILE));
  }
}
