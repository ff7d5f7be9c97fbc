/**
 * What the production start needs, reproduced from the repository for tests: the command
 * `npm start` runs (read from package.json, so the tests, the Dockerfile check and CI all use the
 * same one) and a directory laid out like the Docker image's runtime stage: package.json, dist/
 * and a node_modules holding the runtime dependencies only, as `npm ci --omit=dev` leaves it.
 */
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DIST = path.join(REPO, "dist");

interface PackageJson {
  scripts: Record<string, string>;
}

/** `npm run <name>`'s command as argv; these scripts are plain `node file` commands, no shell syntax. */
export function npmScriptArgv(name: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as PackageJson;
  const command = pkg.scripts[name];
  if (!command) throw new Error(`package.json has no "${name}" script`);
  return command.trim().split(/\s+/);
}

/** Why the production tests cannot run, or null when they can. */
export function whyNoBuild(): string | null {
  const start = npmScriptArgv("start");
  const entry = start[1];
  if (!entry || !existsSync(path.join(REPO, entry)))
    return `${entry ?? "the start script's file"} is missing: run "npm run build" first (.ci/run does)`;
  return null;
}

/** The top-level packages of node_modules that `npm ci --omit=dev` installs, per package-lock.json. */
export function runtimePackages(): string[] {
  const lock = JSON.parse(readFileSync(path.join(REPO, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([at, entry]) => /^node_modules\/(@[^/]+\/)?[^/@][^/]*$/.test(at) && !entry.dev)
    .map(([at]) => at.slice("node_modules/".length))
    .filter((name) => existsSync(path.join(REPO, "node_modules", name)));
}

/**
 * A copy of package.json and dist/ beside a node_modules of links to the runtime packages only.
 * Node resolves a module from the real path of the file importing it, so dist/ is copied, not
 * linked: an import of a dev dependency from dist/ fails here as it would in the image.
 */
export async function productionInstall(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "prod-install-"));
  await cp(path.join(REPO, "package.json"), path.join(dir, "package.json"));
  await cp(DIST, path.join(dir, "dist"), { recursive: true });
  for (const name of runtimePackages()) {
    const link = path.join(dir, "node_modules", name);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(path.join(REPO, "node_modules", name), link, "dir");
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
