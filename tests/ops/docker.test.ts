/**
 * No Docker engine runs on these machines, so the Dockerfile and compose.yaml are checked against
 * the repository instead: what they copy exists and reaches the build context, the image starts
 * the bot exactly as `npm start` (and the production start test in CI) does, the healthcheck is
 * the build's, and every setting compose passes is one the bot reads.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadConfig, SETTING_NAMES } from "../../src/config.js";
import { DEFAULT_BOT_OPTIONS } from "../../src/discord/context.js";
import { npmScriptArgv, REPO } from "./production.js";

const read = (file: string) => readFileSync(path.join(REPO, file), "utf8");

interface Instruction {
  keyword: string;
  args: string;
  /** --flag=value options of COPY, HEALTHCHECK… */
  flags: Record<string, string>;
  stage: string;
}

/** The Dockerfile as instructions, continuation lines joined, comments dropped, each with its stage. */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(pending + line);
    pending = "";
  }
  let stage = "";
  return logical.map((line) => {
    const [keyword = "", ...rest] = line.split(/\s+/);
    let args = rest.join(" ");
    const flags: Record<string, string> = {};
    for (;;) {
      const flag = /^--([a-z-]+)=(\S+)\s*/.exec(args);
      if (!flag) break;
      flags[flag[1] as string] = flag[2] as string;
      args = args.slice(flag[0].length);
    }
    if (keyword.toUpperCase() === "FROM") {
      stage = /\sAS\s+(\S+)$/i.exec(line)?.[1] ?? args;
    }
    return { keyword: keyword.toUpperCase(), args, flags, stage };
  });
}

/** An exec-form argument list (`["node", "x.js"]`), or null for the shell form. */
function execForm(args: string): string[] | null {
  if (!args.trim().startsWith("[")) return null;
  return JSON.parse(args) as string[];
}

/** Whether .dockerignore keeps `file` out of the build context (its simple patterns, `!` exceptions). */
function dockerIgnores(file: string, patterns: string[]): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negated = raw.startsWith("!");
    const pattern = (negated ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, "");
    const regex = new RegExp(
      `^${pattern
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^/]*")}(/.*)?$`,
    );
    if (regex.test(file)) ignored = !negated;
  }
  return ignored;
}

const dockerfile = parseDockerfile(read("Dockerfile"));
const ignorePatterns = read(".dockerignore")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));
const stages = [...new Set(dockerfile.map((i) => i.stage))];
const finalStage = stages.at(-1) as string;
const inStage = (stage: string, keyword: string) =>
  dockerfile.filter((i) => i.stage === stage && i.keyword === keyword);
const workdir = inStage(finalStage, "WORKDIR").at(-1)?.args ?? "/";

describe("Dockerfile", () => {
  it("is multi-stage: a build stage, then the runtime stage", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(inStage(finalStage, "FROM")[0]?.args).toMatch(/^node:/);
  });

  it("copies only files that exist and that .dockerignore lets into the context", () => {
    const copies = dockerfile.filter((i) => (i.keyword === "COPY" || i.keyword === "ADD") && !i.flags.from);
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        expect(existsSync(path.join(REPO, source)), `${source} exists`).toBe(true);
        expect(dockerIgnores(source, ignorePatterns), `${source} is not in .dockerignore`).toBe(false);
      }
    }
  });

  it("copies from the build stage only what it makes: dist/ (npm run build), node_modules, package.json", () => {
    const fromBuild = dockerfile.filter((i) => i.keyword === "COPY" && i.flags.from);
    const buildStage = fromBuild[0]?.flags.from as string;
    expect(stages).toContain(buildStage);
    const runs = inStage(buildStage, "RUN")
      .map((r) => r.args)
      .join("\n");
    expect(runs).toContain("npm ci");
    expect(runs).toContain("npm run build");
    // The runtime gets the dependencies with the dev ones removed, as `npm ci --omit=dev` would leave them.
    expect(runs).toMatch(/npm (prune|ci) [^\n]*--omit=dev/);
    const buildConfig = JSON.parse(read("tsconfig.build.json")) as { compilerOptions: { outDir: string } };
    expect(buildConfig.compilerOptions.outDir).toBe("dist");
    const copied = fromBuild.map((i) => i.args.split(/\s+/)[0]);
    expect(copied.sort()).toEqual(["/app/dist", "/app/node_modules", "/app/package.json"]);
    // What the build stage copies in covers what npm run build and npm ci read.
    const context = inStage(buildStage, "COPY").flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const needed of [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "tsconfig.build.json",
      "src",
      "scripts",
    ])
      expect(context, needed).toContain(needed);
  });

  it("starts the bot with the production start command, node itself and not npm", () => {
    const cmd = execForm(inStage(finalStage, "CMD").at(-1)?.args ?? "");
    expect(cmd).toEqual(npmScriptArgv("start"));
    expect(cmd?.[0]).toBe("node");
    expect(inStage(finalStage, "ENTRYPOINT")).toEqual([]);
  });

  it("has a healthcheck that runs the build's healthcheck script", () => {
    const healthcheck = inStage(finalStage, "HEALTHCHECK").at(-1);
    expect(healthcheck).toBeDefined();
    const command = execForm(healthcheck?.args.replace(/^CMD\s+/, "") ?? "");
    expect(command).toEqual(npmScriptArgv("healthcheck"));
    const compiled = command?.[1] as string;
    expect(compiled).toBe("dist/scripts/healthcheck.js");
    expect(existsSync(path.join(REPO, "scripts/healthcheck.ts"))).toBe(true);
    if (existsSync(path.join(REPO, "dist"))) expect(existsSync(path.join(REPO, compiled))).toBe(true);
  });

  it("runs as an unprivileged user, with data/ and corpus/ as volumes where the settings point", () => {
    const user = inStage(finalStage, "USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const volumes = inStage(finalStage, "VOLUME").flatMap((v) => execForm(v.args) ?? v.args.split(/\s+/));
    const defaults = loadConfig({ env: {}, cwd: workdir });
    expect(volumes).toContain(defaults.corpusDir);
    expect(volumes).toContain(path.dirname(defaults.indexDir));
    for (const file of [defaults.healthFile, defaults.chat.feedbackFile])
      expect(file.startsWith(`${path.join(workdir, "data")}/`), file).toBe(true);
  });

  it("leaves secrets and host builds out of the context", () => {
    for (const kept of [".env", "node_modules", "dist", "data"])
      expect(dockerIgnores(kept, ignorePatterns), kept).toBe(true);
  });
});

describe("compose.yaml", () => {
  const compose = parseYaml(read("compose.yaml")) as {
    services: Record<
      string,
      {
        build?: string;
        image?: string;
        env_file?: string | string[];
        environment?: Record<string, string> | string[];
        volumes?: string[];
        extra_hosts?: string[];
        stop_grace_period?: string;
      }
    >;
    volumes?: Record<string, unknown>;
  };
  const documented = new Set(
    [...read(".env.example").matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1] as string),
  );
  const bot = compose.services.bot;

  it("builds the bot from this Dockerfile, with .env as its env_file", () => {
    expect(bot?.build).toBe(".");
    expect([bot?.env_file].flat()).toContain(".env");
    expect(existsSync(path.join(REPO, ".env.example"))).toBe(true);
  });

  it("passes only settings the bot reads and .env.example documents", () => {
    const environment = bot?.environment ?? {};
    const names = Array.isArray(environment)
      ? environment.map((e) => e.split("=")[0] as string)
      : Object.keys(environment);
    expect(names.length).toBeGreaterThan(0);
    const interpolated = [...read("compose.yaml").matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map(
      (m) => m[1] as string,
    );
    for (const name of [...names, ...interpolated]) {
      expect(documented.has(name), `${name} in .env.example`).toBe(true);
      expect(SETTING_NAMES as string[]).toContain(name);
    }
  });

  it("reaches the ollama service by name, and documents Ollama on the host", () => {
    const environment = bot?.environment as Record<string, string>;
    const ollama = compose.services.ollama;
    expect(ollama?.image).toMatch(/^ollama\/ollama/);
    expect(environment.OLLAMA_HOST).toBe("ollama:11434");
    expect(bot?.extra_hosts).toContain("host.docker.internal:host-gateway");
    expect(read("compose.yaml")).toContain("host.docker.internal:11434");
  });

  it("keeps models, data and the articles in volumes, named ones declared", () => {
    const mounts = Object.entries(compose.services).flatMap(([, s]) => s.volumes ?? []);
    const targets = (bot?.volumes ?? []).map((v) => v.split(":")[1]);
    expect(targets).toContain(path.posix.join(workdir, "data"));
    expect(targets).toContain(path.posix.join(workdir, "corpus"));
    expect(compose.services.ollama?.volumes?.some((v) => v.endsWith(":/root/.ollama"))).toBe(true);
    for (const mount of mounts) {
      const source = mount.split(":")[0] as string;
      if (!source.startsWith(".") && !source.startsWith("/"))
        expect(Object.keys(compose.volumes ?? {}), `volume ${source}`).toContain(source);
      else expect(existsSync(path.join(REPO, source)), source).toBe(true);
    }
  });

  it("says how to pull the default models into the ollama volume", () => {
    const text = read("compose.yaml");
    const defaults = loadConfig({ env: {} }).ollama;
    expect(text).toContain(`ollama pull ${defaults.embedModel}`);
    expect(text).toContain(`ollama pull ${defaults.chatModel}`);
  });

  it("gives the bot longer to stop than it takes to finish the answers in flight", () => {
    const grace = /^(\d+)s$/.exec(bot?.stop_grace_period ?? "");
    expect(grace).not.toBeNull();
    expect(Number(grace?.[1]) * 1000).toBeGreaterThan(DEFAULT_BOT_OPTIONS.shutdownTimeoutMs);
  });
});

describe("CI", () => {
  it("builds before it tests, so the production start test runs rather than skips", () => {
    const steps = read(".ci/run")
      .split("\n")
      .filter((l) => l.trim() && !l.trim().startsWith("#"));
    const build = steps.findIndex((l) => l.trim() === "npm run build");
    const test = steps.findIndex((l) => l.trim() === "npm test");
    expect(build).toBeGreaterThan(-1);
    expect(test).toBeGreaterThan(build);
  });
});
