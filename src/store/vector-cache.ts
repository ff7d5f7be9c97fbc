import { createHash } from "node:crypto";
import { appendFile, mkdir, open, rename, stat, truncate } from "node:fs/promises";
import path from "node:path";

/** Records per read or write block: tens of megabytes, so a big cache streams through in slices. */
const BLOCK_BYTES = 32 * 1024 * 1024;

/**
 * Vectors keyed by embedder + embedded text, in an append-only binary file per embedder.
 * Appending after each embedded batch means that work survives a crash mid-ingest: the next
 * run reuses whatever was embedded before the process died.
 *
 * Record: 16-byte key (truncated sha256) followed by `dimension` little-endian float32s.
 *
 * The file is streamed, never held: at a million passages it is 2 GB (more than readFile
 * accepts), and ingest only needs each vector once, on its way into the dense index. A key
 * written more than once (a --full run appends again) means its last record.
 */
export class VectorCache {
  /** Records in the file, counting keys written more than once (e.g. by `--full`). */
  private records = 0;
  private readonly file: string;
  private readonly recordBytes: number;

  private constructor(
    dir: string,
    readonly embedderId: string,
    readonly dimension: number,
  ) {
    const safe = embedderId.replace(/[^\w.-]+/g, "_");
    this.file = path.join(dir, `${safe}-${dimension}.vec`);
    this.recordBytes = 16 + dimension * 4;
  }

  static key(embedderId: string, embeddedText: string): string {
    return createHash("sha256").update(`${embedderId}\n${embeddedText}`).digest("hex").slice(0, 32);
  }

  static async open(dir: string, embedderId: string, dimension: number): Promise<VectorCache> {
    const cache = new VectorCache(dir, embedderId, dimension);
    await mkdir(dir, { recursive: true });
    const size = await stat(cache.file).then(
      (s) => s.size,
      () => 0,
    );
    // A torn final record (crash mid-append) is ignored rather than trusted, and cut off the
    // file: records appended after it would otherwise be read out of step with their boundaries.
    const whole = Math.floor(size / cache.recordBytes);
    if (whole * cache.recordBytes !== size) await truncate(cache.file, whole * cache.recordBytes);
    cache.records = whole;
    return cache;
  }

  /** Records in the file (a key written twice counts twice). */
  get recordCount(): number {
    return this.records;
  }

  /**
   * Every record in file order: its key, its vector (a view valid only during the call), its
   * record number and its raw bytes. Later records of a key supersede earlier ones.
   */
  async scan(
    visit: (key: string, vector: Float32Array, record: number, raw: Uint8Array) => void,
    afterBlock?: () => Promise<void>,
  ): Promise<void> {
    if (this.records === 0) return;
    const perBlock = Math.max(1, Math.floor(BLOCK_BYTES / this.recordBytes));
    // A fresh ArrayBuffer is 8-byte aligned and every record's floats start 16 bytes into a
    // record of 16 + 4·dimension bytes, so each vector can be viewed in place.
    const block = new Uint8Array(perBlock * this.recordBytes);
    const handle = await open(this.file, "r");
    try {
      for (let first = 0; first < this.records; first += perBlock) {
        const count = Math.min(perBlock, this.records - first);
        const want = count * this.recordBytes;
        let got = 0;
        while (got < want) {
          const { bytesRead } = await handle.read(block, got, want - got, first * this.recordBytes + got);
          if (bytesRead === 0) throw new Error(`${this.file} ended early`);
          got += bytesRead;
        }
        const bytes = Buffer.from(block.buffer, 0, want);
        for (let r = 0; r < count; r++) {
          const at = r * this.recordBytes;
          visit(
            bytes.toString("hex", at, at + 16),
            new Float32Array(block.buffer, at + 16, this.dimension),
            first + r,
            block.subarray(at, at + this.recordBytes),
          );
        }
        await afterBlock?.();
      }
    } finally {
      await handle.close();
    }
  }

  /** All vectors by key (last record wins), copied out: for small caches and tests. */
  async vectors(): Promise<Map<string, Float32Array>> {
    const all = new Map<string, Float32Array>();
    await this.scan((key, vector) => {
      all.set(key, Float32Array.from(vector));
    });
    return all;
  }

  private encode(entries: Array<[string, ArrayLike<number>]>): Buffer {
    const bytes = new Uint8Array(entries.length * this.recordBytes);
    const buf = Buffer.from(bytes.buffer);
    entries.forEach(([key, vec], r) => {
      const offset = r * this.recordBytes;
      buf.write(key, offset, 16, "hex");
      new Float32Array(bytes.buffer, offset + 16, this.dimension).set(
        vec.length === this.dimension ? vec : Array.from({ length: this.dimension }, (_, d) => vec[d] ?? 0),
      );
    });
    return buf;
  }

  async append(entries: Array<[string, ArrayLike<number>]>): Promise<void> {
    if (entries.length === 0) return;
    await appendFile(this.file, this.encode(entries));
    this.records += entries.length;
  }

  /**
   * Rewrite the file with only the live keys (each at its last record) once dead or repeated
   * records dominate it. Two streaming passes: find each live key's last record, then copy those.
   */
  async compact(liveKeys: Set<string>): Promise<void> {
    if (this.records <= liveKeys.size * 2 + 64) return;
    const last = new Map<string, number>();
    await this.scan((key, _vector, record) => {
      if (liveKeys.has(key)) last.set(key, record);
    });
    const tmp = `${this.file}.tmp-${process.pid}`;
    const out = await open(tmp, "w");
    try {
      // The scan reuses its block buffer: kept records are copied, then written after each block.
      let kept: Uint8Array[] = [];
      let written = 0;
      await this.scan(
        (key, _vector, record, raw) => {
          if (last.get(key) === record) kept.push(Uint8Array.from(raw));
        },
        async () => {
          const block = Buffer.concat(kept);
          kept = [];
          await out.write(block, 0, block.length, written);
          written += block.length;
        },
      );
    } finally {
      await out.close();
    }
    await rename(tmp, this.file);
    this.records = last.size;
  }
}
