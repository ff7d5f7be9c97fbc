import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { READ_SLICE, readTyped, Slots, writeTyped } from "../../src/store/binary.js";

/** Byte for byte (expect's deep equality takes minutes on millions of elements). */
const same = (a: ArrayBufferView, b: ArrayBufferView | undefined) =>
  b !== undefined &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe("typed-array files", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "binary-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads back what was written, across several read slices, plain or shared", async () => {
    const values = new Float32Array(Math.ceil((2.5 * READ_SLICE) / 4));
    for (let i = 0; i < values.length; i++) values[i] = Math.sin(i) * i;
    const file = path.join(dir, "values.f32");
    await writeTyped(file, values);
    const plain = await readTyped(file, Float32Array);
    expect(plain.buffer).toBeInstanceOf(ArrayBuffer);
    expect(same(plain, values)).toBe(true);
    const shared = await readTyped(file, Float32Array, { shared: true });
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(same(shared, values)).toBe(true);
  });

  it("refuses a file that is not a whole array", async () => {
    const file = path.join(dir, "odd.u32");
    await writeFile(file, Buffer.alloc(7));
    await expect(readTyped(file, Uint32Array)).rejects.toThrow(/not a whole array/);
  });

  it("reads many files at once correctly, a bounded number of slices at a time", async () => {
    const files = await Promise.all(
      Array.from({ length: 6 }, async (_, f) => {
        const array = new Uint32Array(READ_SLICE / 4 + 10).map((_, i) => i * 7 + f);
        const file = path.join(dir, `many-${f}.u32`);
        await writeTyped(file, array);
        return { file, array };
      }),
    );
    const arrays = await Promise.all(files.map(({ file }) => readTyped(file, Uint32Array)));
    for (const [f, a] of arrays.entries()) expect(same(a, files[f]?.array)).toBe(true);
  });
});

describe("Slots", () => {
  it("runs at most its size of tasks at once, the rest in the order they came", async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        slots
          .run(async () => {
            started.push(i);
            running++;
            most = Math.max(most, running);
            await new Promise((resolve) => setTimeout(resolve, 5 + (i % 3)));
            running--;
            if (i === 3) throw new Error("task 3 failed");
            return i * 10;
          })
          .catch((e: Error) => e.message),
      ),
    );
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(results).toEqual([0, 10, 20, "task 3 failed", 40, 50, 60]);
    // Every slot came back, the failed task's too, and no more than there were: two at once again.
    running = 0;
    most = 0;
    await Promise.all(
      [1, 2, 3, 4].map(() =>
        slots.run(async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
  });
});
