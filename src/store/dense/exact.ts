import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SearchHit } from "../../retrieve/ports.js";
import { DENSE_IDS_FILE, DENSE_INFO_FILE, type DenseIndex, type DenseIndexInfo } from "./dense-index.js";

const VECTORS_FILE = "vectors.f32";

/**
 * Brute-force cosine similarity over every stored vector: exact, and linear in the corpus per
 * query. The reference the approximate index is measured against, and enough for small corpora.
 */
export class ExactDenseIndex implements DenseIndex {
  private readonly ids: string[] = [];
  /** Unit-length copies of the vectors, one after another. */
  private units = new Float32Array(0);

  constructor(readonly dimension: number) {}

  static async load(dir: string): Promise<ExactDenseIndex> {
    const info = JSON.parse(await readFile(path.join(dir, DENSE_INFO_FILE), "utf8")) as DenseIndexInfo;
    const index = new ExactDenseIndex(info.dimension);
    index.ids.push(...(JSON.parse(await readFile(path.join(dir, DENSE_IDS_FILE), "utf8")) as string[]));
    const bytes = await readFile(path.join(dir, VECTORS_FILE));
    // Copied out of the Buffer: its offset into Node's pool need not be 4-byte aligned.
    index.units = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return index;
  }

  get count(): number {
    return this.ids.length;
  }

  add(ids: readonly string[], vectors: readonly number[][]): void {
    if (ids.length !== vectors.length) throw new Error(`${ids.length} ids for ${vectors.length} vectors`);
    const units = new Float32Array(this.units.length + vectors.length * this.dimension);
    units.set(this.units);
    vectors.forEach((vector, i) => {
      if (vector.length !== this.dimension)
        throw new Error(`a vector of ${vector.length} dimensions, expected ${this.dimension}`);
      units.set(unit(vector), (this.ids.length + i) * this.dimension);
    });
    this.units = units;
    this.ids.push(...ids);
  }

  search(vector: number[], k: number): SearchHit[] {
    const n = Math.min(k, this.ids.length);
    if (n <= 0) return [];
    const query = unit(vector);
    const scores = new Float64Array(this.ids.length);
    for (let p = 0; p < this.ids.length; p++) {
      let dot = 0;
      const offset = p * this.dimension;
      for (let d = 0; d < this.dimension; d++) dot += (query[d] ?? 0) * (this.units[offset + d] ?? 0);
      scores[p] = dot;
    }
    // Equal scores keep the order passages were added in, so results never depend on sort details.
    const order = Array.from(this.ids.keys()).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
    return order.slice(0, n).map((p) => ({ id: this.ids[p] ?? "", score: scores[p] ?? 0 }));
  }

  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, VECTORS_FILE),
      new Uint8Array(this.units.buffer, 0, this.units.byteLength),
    );
    await writeFile(path.join(dir, DENSE_IDS_FILE), JSON.stringify(this.ids));
    const info: DenseIndexInfo = { kind: "exact", dimension: this.dimension };
    await writeFile(path.join(dir, DENSE_INFO_FILE), JSON.stringify(info));
  }
}

function unit(vector: readonly number[]): Float64Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return Float64Array.from(vector, (x) => x / norm);
}
