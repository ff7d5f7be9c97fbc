/**
 * An index written by an older version of the store is never half-read: loading it is a
 * UserError that says to re-ingest, and the entry points' ensureIndex rebuilds it.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isUserError } from "../../src/errors.js";
import {
  buildFiles,
  FORMAT_VERSION,
  layout,
  readCurrentBuildId,
  readManifest,
} from "../../src/store/build.js";
import { createTestApp, type TestApp } from "../helpers/app.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

async function ageCurrentBuild(indexDir: string): Promise<string> {
  const id = (await readCurrentBuildId(indexDir)) ?? "";
  const file = buildFiles(layout(indexDir).build(id)).manifest;
  const manifest = JSON.parse(await readFile(file, "utf8")) as { formatVersion: number };
  manifest.formatVersion = FORMAT_VERSION - 1;
  await writeFile(file, JSON.stringify(manifest));
  return id;
}

/**
 * The current build rewritten as format 6 wrote it: the file list in manifest.json and the
 * bridge as bridge.json, with no files/ or bridge/ folders.
 */
async function writeAsFormat6(indexDir: string): Promise<string[]> {
  const id = (await readCurrentBuildId(indexDir)) ?? "";
  const files = buildFiles(layout(indexDir).build(id));
  const { files: table, ...manifest } = await readManifest(indexDir, id);
  const listed = Object.fromEntries(table.entries());
  await writeFile(files.manifest, JSON.stringify({ ...manifest, formatVersion: 6, files: listed }, null, 2));
  await rm(files.files, { recursive: true });
  await rm(files.bridge, { recursive: true });
  await writeFile(
    path.join(path.dirname(files.manifest), "bridge.json"),
    '{"en2zh":{},"zh2en":{},"untranslated":[]}',
  );
  return Object.keys(listed);
}

describe("an index of an older format", () => {
  it("is refused with a UserError naming the fix, not read", async () => {
    t = await createTestApp();
    await t.app.ingest();
    await ageCurrentBuild(t.config.indexDir);
    const err = await t.app.index.current().catch((e: unknown) => e);
    expect(isUserError(err) && err.code).toBe("index-outdated");
    expect((err as Error).message).toContain('run "npm run ingest"');
  });

  it("is rebuilt by ensureIndex, after which questions are answered", async () => {
    t = await createTestApp();
    await t.app.ingest();
    const old = await ageCurrentBuild(t.config.indexDir);
    let announced = false;
    const summary = await t.app.ensureIndex(() => {
      announced = true;
    });
    expect(announced).toBe(true);
    expect(summary?.buildId).not.toBe(old);
    expect(await t.app.ensureIndex()).toBeNull();
    const result = await t.app.answerer.ask("开源大模型和闭源大模型在成本上有什么区别？");
    expect(result.refused).toBe(false);
    expect(path.basename(result.citations[0]?.source ?? "")).toMatch(/\.(txt|md|html)$/);
  });

  it("of format 6 (files listed in manifest.json) is refused, and rebuilt with its files compared as before", async () => {
    t = await createTestApp();
    await t.app.ingest();
    const sources = await writeAsFormat6(t.config.indexDir);
    expect(sources.length).toBeGreaterThan(0);
    const err = await t.app.index.current().catch((e: unknown) => e);
    expect(isUserError(err) && err.code).toBe("index-outdated");
    const summary = await t.app.ensureIndex();
    expect(summary?.rebuildReason).toBe("index format changed");
    expect(summary?.files).toEqual({
      added: 0,
      changed: 0,
      unchanged: sources.length,
      removed: 0,
      skipped: 0,
    });
    expect((await t.app.answerer.ask("开源大模型和闭源大模型在成本上有什么区别？")).refused).toBe(false);
  });
});
