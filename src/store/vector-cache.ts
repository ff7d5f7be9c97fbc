import { createHash } from "node:crypto";
import { appendFile, mkdir, readFile, rename, truncate, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Vectors keyed by embedder + embedded text, in an append-only binary file per embedder.
 * Appending after each embedded batch means that work survives a crash mid-ingest: the next
 * run reuses whatever was embedded before the process died.
 *
 * Record: 16-byte key (truncated sha256) followed by `dimension` little-endian float32s.
 */
export class VectorCache {
  private readonly vectors = new Map<string, Float32Array>();
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
    let bytes: Buffer;
    try {
      bytes = await readFile(cache.file);
    } catch {
      return cache;
    }
    // A torn final record (crash mid-append) is ignored rather than trusted, and cut off the
    // file: records appended after it would otherwise be read out of step with their boundaries.
    const whole = Math.floor(bytes.length / cache.recordBytes);
    if (whole * cache.recordBytes !== bytes.length) await truncate(cache.file, whole * cache.recordBytes);
    cache.records = whole;
    for (let r = 0; r < whole; r++) {
      const offset = r * cache.recordBytes;
      const key = bytes.subarray(offset, offset + 16).toString("hex");
      const vec = new Float32Array(dimension);
      for (let d = 0; d < dimension; d++) vec[d] = bytes.readFloatLE(offset + 16 + d * 4);
      cache.vectors.set(key, vec);
    }
    return cache;
  }

  get size(): number {
    return this.vectors.size;
  }

  get(key: string): Float32Array | undefined {
    return this.vectors.get(key);
  }

  private encode(entries: Array<[string, ArrayLike<number>]>): Buffer {
    const buf = Buffer.alloc(entries.length * this.recordBytes);
    entries.forEach(([key, vec], r) => {
      const offset = r * this.recordBytes;
      buf.write(key, offset, 16, "hex");
      for (let d = 0; d < this.dimension; d++) buf.writeFloatLE(vec[d] ?? 0, offset + 16 + d * 4);
    });
    return buf;
  }

  async append(entries: Array<[string, ArrayLike<number>]>): Promise<void> {
    if (entries.length === 0) return;
    await appendFile(this.file, this.encode(entries));
    this.records += entries.length;
    for (const [key, vec] of entries) this.vectors.set(key, Float32Array.from(vec));
  }

  /** Rewrite the file with only the live keys once dead or repeated records dominate it. */
  async compact(liveKeys: Set<string>): Promise<void> {
    if (this.records <= liveKeys.size * 2 + 64) return;
    const live = [...this.vectors.entries()].filter(([k]) => liveKeys.has(k));
    const tmp = `${this.file}.tmp-${process.pid}`;
    await writeFile(tmp, this.encode(live));
    await rename(tmp, this.file);
    this.records = live.length;
    this.vectors.clear();
    for (const [k, v] of live) this.vectors.set(k, v);
  }
}
