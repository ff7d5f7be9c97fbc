import { appendFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VectorCache } from "../../src/store/vector-cache.js";
import { tempDir } from "../helpers/ingest-helpers.js";

const EMBEDDER = "test:embedder";
const DIM = 8;
const RECORD = 16 + DIM * 4;

let dir = "";
let cleanup: () => Promise<void> = async () => {};
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir("vector-cache"));
});
afterEach(() => cleanup());

const vector = (seed: number) => Array.from({ length: DIM }, (_, d) => Math.sin(seed * 7 + d) / 3);
const entry = (i: number): [string, number[]] => [VectorCache.key(EMBEDDER, `文本 ${i}`), vector(i)];

async function cacheFile(): Promise<string> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".vec"));
  expect(files).toHaveLength(1);
  return path.join(dir, files[0] ?? "");
}

function expectVector(actual: Float32Array | undefined, expected: number[]): void {
  expect(actual).toBeDefined();
  expect(Array.from(actual ?? [])).toEqual(expected.map((x) => Math.fround(x)));
}

describe("VectorCache", () => {
  it("derives a 32-hex-digit key from the embedder and the embedded text", () => {
    const key = VectorCache.key(EMBEDDER, "开源");
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(VectorCache.key(EMBEDDER, "开源")).toBe(key);
    expect(VectorCache.key(EMBEDDER, "闭源")).not.toBe(key);
    expect(VectorCache.key("other:embedder", "开源")).not.toBe(key);
  });

  it("starts empty and round-trips appended vectors through the file (as float32)", async () => {
    const cache = await VectorCache.open(dir, EMBEDDER, DIM);
    expect((await cache.vectors()).size).toBe(0);
    const entries = [entry(1), entry(2), entry(3)];
    await cache.append(entries.slice(0, 2));
    await cache.append(entries.slice(2));
    expect((await cache.vectors()).size).toBe(3);
    const reopened = await VectorCache.open(dir, EMBEDDER, DIM);
    expect((await reopened.vectors()).size).toBe(3);
    for (const [key, vec] of entries) expectVector((await reopened.vectors()).get(key), vec);
    expect((await reopened.vectors()).get(VectorCache.key(EMBEDDER, "never stored"))).toBeUndefined();
    expect((await stat(await cacheFile())).size).toBe(3 * RECORD);
  });

  it("keeps each embedder's vectors apart", async () => {
    const a = await VectorCache.open(dir, "a:model", DIM);
    await a.append([entry(1)]);
    const b = await VectorCache.open(dir, "b:model", DIM);
    expect((await b.vectors()).size).toBe(0);
    const wider = await VectorCache.open(dir, "a:model", DIM * 2);
    expect((await wider.vectors()).size).toBe(0);
  });

  it("ignores a torn final record left by a crash mid-append", async () => {
    const cache = await VectorCache.open(dir, EMBEDDER, DIM);
    await cache.append([entry(1), entry(2)]);
    const [tornKey] = entry(3);
    // The first 20 bytes of a third record: its key and one float, then the process died.
    await appendFile(await cacheFile(), Buffer.concat([Buffer.from(tornKey, "hex"), Buffer.alloc(4, 0x41)]));
    const reopened = await VectorCache.open(dir, EMBEDDER, DIM);
    expect((await reopened.vectors()).size).toBe(2);
    expect((await reopened.vectors()).get(tornKey)).toBeUndefined();
  });

  it("reads records appended after a torn record correctly", async () => {
    const cache = await VectorCache.open(dir, EMBEDDER, DIM);
    await cache.append([entry(1), entry(2)]);
    const [tornKey, tornVector] = entry(3);
    await appendFile(await cacheFile(), Buffer.concat([Buffer.from(tornKey, "hex"), Buffer.alloc(4, 0x41)]));
    // The next ingest re-embeds what was lost and appends more.
    const next = await VectorCache.open(dir, EMBEDDER, DIM);
    await next.append([entry(3), entry(4)]);
    const reopened = await VectorCache.open(dir, EMBEDDER, DIM);
    expect((await reopened.vectors()).size).toBe(4);
    expectVector((await reopened.vectors()).get(tornKey), tornVector);
    for (const i of [1, 2, 4]) expectVector((await reopened.vectors()).get(entry(i)[0]), entry(i)[1]);
  });

  it("compacts the file to the live keys once dead entries dominate it", async () => {
    const cache = await VectorCache.open(dir, EMBEDDER, DIM);
    const entries = Array.from({ length: 100 }, (_, i) => entry(i));
    await cache.append(entries);
    const live = new Set(entries.slice(0, 10).map(([k]) => k));
    await cache.compact(live);
    expect((await cache.vectors()).size).toBe(10);
    expect((await stat(await cacheFile())).size).toBe(10 * RECORD);
    const reopened = await VectorCache.open(dir, EMBEDDER, DIM);
    expect((await reopened.vectors()).size).toBe(10);
    for (const [key, vec] of entries.slice(0, 10)) expectVector((await reopened.vectors()).get(key), vec);
    expect((await reopened.vectors()).get(entries[50]?.[0] ?? "")).toBeUndefined();
  });

  it("leaves the file alone while it holds mostly live entries", async () => {
    const cache = await VectorCache.open(dir, EMBEDDER, DIM);
    const entries = Array.from({ length: 40 }, (_, i) => entry(i));
    await cache.append(entries);
    await cache.compact(new Set(entries.slice(0, 30).map(([k]) => k)));
    expect((await stat(await cacheFile())).size).toBe(40 * RECORD);
    expect((await (await VectorCache.open(dir, EMBEDDER, DIM)).vectors()).size).toBe(40);
  });

  it("compacts away records written again for the same key (repeated --full runs)", async () => {
    const entries = Array.from({ length: 10 }, (_, i) => entry(i));
    for (let run = 0; run < 20; run++) {
      const cache = await VectorCache.open(dir, EMBEDDER, DIM);
      await cache.append(entries);
      await cache.compact(new Set(entries.map(([k]) => k)));
    }
    expect((await stat(await cacheFile())).size).toBeLessThanOrEqual(3 * 10 * RECORD + 64 * RECORD);
    const reopened = await VectorCache.open(dir, EMBEDDER, DIM);
    expect((await reopened.vectors()).size).toBe(10);
    for (const [key, vec] of entries) expectVector((await reopened.vectors()).get(key), vec);
  });
});
