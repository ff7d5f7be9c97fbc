// `npm run build`: compiles src/ and scripts/ into dist/ (tsconfig.build.json), then copies what
// tsc does not emit but the code loads at run time from next to itself: the worker threads'
// .mjs files and the lexicon's .json lists. Plain JavaScript so that it needs nothing but Node
// and the TypeScript compiler. dist/ is removed first: a module deleted from src/ must not
// linger in the build.
import { spawnSync } from "node:child_process";
import { copyFile, mkdir, readdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");

await rm(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compiled = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json")], {
  stdio: "inherit",
});
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

/** Every file under dir that is not TypeScript, as paths relative to root. */
async function runtimeAssets(dir) {
  const found = [];
  for (const entry of await readdir(path.join(root, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await runtimeAssets(relative)));
    else if (!entry.name.endsWith(".ts")) found.push(relative);
  }
  return found;
}

const assets = await runtimeAssets("src");
for (const asset of assets) {
  await mkdir(path.dirname(path.join(dist, asset)), { recursive: true });
  await copyFile(path.join(root, asset), path.join(dist, asset));
}
process.stdout.write(`built dist/ (${assets.length} files copied besides the compiled modules)\n`);
