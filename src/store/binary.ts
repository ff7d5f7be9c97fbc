/**
 * Typed-array files: the store's on-disk representation of anything large (postings, vectors,
 * offsets, passage text). Each file is the raw little-endian bytes of one typed array, so
 * loading is a read into a preallocated buffer with no parsing, and writing never builds a
 * string (JSON of the postings would pass V8's maximum string length at a million passages).
 */

import { type FileHandle, open } from "node:fs/promises";
import { availableParallelism, endianness } from "node:os";

/** fs reads and writes move at most 2 GiB per call; a slice well below that also keeps each await short. */
const IO_SLICE = 64 * 1024 * 1024;
/** Reads go in smaller slices: each is a copy into fresh pages that holds a core while it runs. */
export const READ_SLICE = 8 * 1024 * 1024;

/** At most `size` tasks at once; the others wait their turn, in the order they came. */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, or back to the pool.
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

/**
 * Slice reads in flight at once, for all files: one core always left to the event loop. Loading
 * a build starts every file's read together; with libuv's four threads copying 64 MB slices
 * into fresh memory on a two-core machine, the event loop waited 50–65 ms for a core (a 100k
 * build; 12–20 ms with one read at a time).
 */
const reads = new Slots(Math.min(4, Math.max(1, availableParallelism() - 1)));

if (endianness() !== "LE") {
  // The files hold native-order bytes; every platform Node supports in practice is little-endian.
  throw new Error("the index files are little-endian and this machine is not");
}

type Typed = Float32Array | Float64Array | Uint32Array | Int32Array | Uint8Array;
type TypedConstructor<T extends Typed> = {
  new (length: number): T;
  new (buffer: SharedArrayBuffer): T;
  readonly BYTES_PER_ELEMENT: number;
};

export async function writeTyped(file: string, array: Typed): Promise<void> {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const handle = await open(file, "w");
  try {
    for (let at = 0; at < bytes.length; at += IO_SLICE) {
      await handle.write(bytes, at, Math.min(IO_SLICE, bytes.length - at), at);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Reads a file written by writeTyped into a fresh, aligned array. Read in slices with an await
 * between them, so a large file never holds the event loop (readFile would also refuse files
 * over 2 GiB, which the vectors of a million passages are).
 */
export async function readTyped<T extends Typed>(
  file: string,
  type: TypedConstructor<T>,
  options: { shared?: boolean } = {},
): Promise<T> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    if (size % type.BYTES_PER_ELEMENT !== 0) throw new Error(`${file}: ${size} bytes is not a whole array`);
    // Shared: helper threads of a split search read the array itself, not a copy.
    const array = options.shared
      ? new type(new SharedArrayBuffer(size))
      : new type(size / type.BYTES_PER_ELEMENT);
    const bytes = new Uint8Array(array.buffer);
    for (let at = 0; at < size; ) {
      const from = at;
      const { bytesRead } = await reads.run(() =>
        handle.read(bytes, from, Math.min(READ_SLICE, size - from), from),
      );
      if (bytesRead === 0) throw new Error(`${file}: ended after ${at} of ${size} bytes`);
      at += bytesRead;
    }
    return array;
  } finally {
    await handle.close();
  }
}

/** A growable typed array for building columns whose final length is not known in advance. */
export class GrowableUint32 {
  private data: Uint32Array;
  length = 0;

  constructor(initial = 1024) {
    this.data = new Uint32Array(Math.max(16, initial));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** The values pushed so far (a view: copy it before pushing more if it must stay valid). */
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * Strings as one UTF-8 byte file plus an offsets file (n + 1 offsets, in Float64 so the byte file
 * may pass 4 GiB). Built one string at a time into a growing byte buffer, never one big string.
 */
export class StringTableWriter {
  private bytes = Buffer.alloc(1 << 16);
  private used = 0;
  private readonly offsets: number[] = [0];

  get count(): number {
    return this.offsets.length - 1;
  }

  /** Appends a string; returns its index. */
  add(text: string): number {
    const need = Buffer.byteLength(text, "utf8");
    if (this.used + need > this.bytes.length) {
      const bigger = Buffer.alloc(Math.max(this.bytes.length * 2, this.used + need));
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    this.used += this.bytes.write(text, this.used, "utf8");
    this.offsets.push(this.used);
    return this.offsets.length - 2;
  }

  async save(bytesFile: string, offsetsFile: string): Promise<void> {
    await writeTyped(bytesFile, new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.used));
    await writeTyped(offsetsFile, Float64Array.from(this.offsets));
  }

  /** The table as loading would give it, without a round trip through files. */
  toTable(): StringTable {
    return new StringTable(this.bytes.subarray(0, this.used), Float64Array.from(this.offsets));
  }
}

/**
 * A string table written straight to its file as strings are added, for the one table that is
 * too large to grow in memory: the passages' text (over a gigabyte at a million passages).
 */
export class StringFileWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private written = 0;
  private readonly offsets: number[] = [0];

  private constructor(private readonly handle: FileHandle) {}

  static async open(bytesFile: string): Promise<StringFileWriter> {
    return new StringFileWriter(await open(bytesFile, "w"));
  }

  async add(text: string): Promise<void> {
    const bytes = Buffer.from(text, "utf8");
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.offsets.push(this.offsets[this.offsets.length - 1]! + bytes.length);
    if (this.pendingBytes >= 8 * 1024 * 1024) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const block = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.write(block, 0, block.length, this.written);
    this.written += block.length;
  }

  /** Flushes, closes the byte file and writes the offsets file. */
  async close(offsetsFile: string): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
    await writeTyped(offsetsFile, Float64Array.from(this.offsets));
  }
}

/** A loaded string table: strings decoded on demand, never all at once. */
export class StringTable {
  constructor(
    private readonly bytes: Buffer,
    private readonly offsets: Float64Array,
  ) {}

  static async load(bytesFile: string, offsetsFile: string): Promise<StringTable> {
    const [bytes, offsets] = await Promise.all([
      readTyped(bytesFile, Uint8Array),
      readTyped(offsetsFile, Float64Array),
    ]);
    return new StringTable(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), offsets);
  }

  static empty(): StringTable {
    return new StringTable(Buffer.alloc(0), Float64Array.of(0));
  }

  get count(): number {
    return this.offsets.length - 1;
  }

  async save(bytesFile: string, offsetsFile: string): Promise<void> {
    await writeTyped(
      bytesFile,
      new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength),
    );
    await writeTyped(offsetsFile, this.offsets);
  }

  at(i: number): string {
    return this.bytes.toString("utf8", this.offsets[i] ?? 0, this.offsets[i + 1] ?? 0);
  }

  /** Byte order of string i against `key` (UTF-8 bytes): <0, 0, >0 as Buffer.compare. */
  compareAt(i: number, key: Buffer): number {
    return this.bytes.compare(key, 0, key.length, this.offsets[i] ?? 0, this.offsets[i + 1] ?? 0);
  }
}

/** Positions 0..n-1 ordered by the strings' UTF-8 bytes (ties: lower position first). */
export function sortedOrder(strings: readonly string[]): Uint32Array {
  const keys = strings.map((s) => Buffer.from(s, "utf8"));
  const order = Array.from(keys.keys()).sort(
    (a, b) => Buffer.compare(keys[a] as Buffer, keys[b] as Buffer) || a - b,
  );
  return Uint32Array.from(order);
}

/** Positions 0 … n-1 in order: the `order` of a table written in byte order already. */
export function identityOrder(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/**
 * The first position (in `order`, sorted by sortedOrder) whose string is `text`, or -1.
 * A binary search over the byte file: lookups cost ~log2(n) comparisons and loading costs
 * nothing, where a Map of a million ids would take a long block to build.
 */
export function findSorted(table: StringTable, order: Uint32Array, text: string): number {
  const key = Buffer.from(text, "utf8");
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (table.compareAt(order[mid] ?? 0, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  const found = order[lo];
  return found !== undefined && table.compareAt(found, key) === 0 ? found : -1;
}
