import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SearchHit } from "../../retrieve/ports.js";
import { readTyped, writeTyped } from "../binary.js";
import { unit } from "./column.js";
import { DENSE_INFO_FILE, type DenseIndex, type DenseIndexInfo } from "./dense-index.js";
import { IdList } from "./ids.js";

const VECTORS_FILE = "vectors.f32";

/**
 * Brute-force cosine similarity over every stored vector, row by row: exact, and linear in the
 * corpus and the dimension per query. The plain reference the other indexes are checked against.
 */
export class ExactDenseIndex implements DenseIndex {
  private ids = new IdList();
  /** Unit-length copies of the vectors, one after another. */
  private units = new Float32Array(0);

  constructor(readonly dimension: number) {}

  static async load(dir: string): Promise<ExactDenseIndex> {
    const info = JSON.parse(await readFile(path.join(dir, DENSE_INFO_FILE), "utf8")) as DenseIndexInfo;
    const index = new ExactDenseIndex(info.dimension);
    index.ids = await IdList.load(dir);
    index.units = await readTyped(path.join(dir, VECTORS_FILE), Float32Array);
    return index;
  }

  get count(): number {
    return this.ids.count;
  }

  add(ids: readonly string[], vectors: readonly ArrayLike<number>[]): void {
    if (ids.length !== vectors.length) throw new Error(`${ids.length} ids for ${vectors.length} vectors`);
    const units = new Float32Array(this.units.length + vectors.length * this.dimension);
    units.set(this.units);
    vectors.forEach((vector, i) => {
      if (vector.length !== this.dimension)
        throw new Error(`a vector of ${vector.length} dimensions, expected ${this.dimension}`);
      units.set(unit(vector), (this.count + i) * this.dimension);
    });
    this.units = units;
    this.ids.push(ids);
  }

  search(vector: number[], k: number): SearchHit[] {
    const count = this.count;
    const n = Math.min(k, count);
    if (n <= 0) return [];
    const query = unit(vector);
    const scores = new Float64Array(count);
    for (let p = 0; p < count; p++) {
      let dot = 0;
      const offset = p * this.dimension;
      for (let d = 0; d < this.dimension; d++) dot += (query[d] ?? 0) * (this.units[offset + d] ?? 0);
      scores[p] = dot;
    }
    // Equal scores keep the order passages were added in, so results never depend on sort details.
    const order = Array.from({ length: count }, (_, p) => p).sort(
      (a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b,
    );
    return order.slice(0, n).map((p) => ({ id: this.ids.at(p), score: scores[p] ?? 0 }));
  }

  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await writeTyped(path.join(dir, VECTORS_FILE), this.units);
    await this.ids.save(dir);
    const info: DenseIndexInfo = { kind: "exact", dimension: this.dimension, count: this.count };
    await writeFile(path.join(dir, DENSE_INFO_FILE), JSON.stringify(info));
  }
}
