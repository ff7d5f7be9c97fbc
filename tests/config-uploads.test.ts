/** The /addarticle settings (UPLOAD_DIR, UPLOAD_MAX_BYTES) in src/config.ts. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type ConfigError, loadConfig } from "../src/config.js";

const load = (env: Record<string, string>) => loadConfig({ cwd: "/srv/bot", env });

describe("upload settings", () => {
  it("default to corpus/uploads and 1 MiB", () => {
    const config = load({});
    expect(config.uploads).toEqual({ dir: path.resolve("/srv/bot/corpus/uploads"), maxBytes: 1_048_576 });
  });

  it("resolve UPLOAD_DIR inside CORPUS_DIR", () => {
    expect(load({ CORPUS_DIR: "articles", UPLOAD_DIR: "from-discord/new" }).uploads.dir).toBe(
      path.resolve("/srv/bot/articles/from-discord/new"),
    );
  });

  it("refuse a folder outside the corpus and a bad size, all at once", () => {
    for (const dir of ["..", "../elsewhere", "/tmp/uploads", "."]) {
      expect(() => load({ UPLOAD_DIR: dir })).toThrow(/UPLOAD_DIR: .* must be a folder inside CORPUS_DIR/);
    }
    try {
      load({ UPLOAD_DIR: "../x", CHUNK_SIZE: "200", CHUNK_OVERLAP: "300" });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).problems).toHaveLength(2);
    }
    expect(() => load({ UPLOAD_MAX_BYTES: "0" })).toThrow(/UPLOAD_MAX_BYTES/);
  });
});
