/**
 * Runs an entry script the way a user does (`tsx scripts/….ts args`), with exactly the given
 * environment (nothing inherited but PATH) from `cwd`, so that no .env or setting of the machine
 * running the tests leaks in.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { REPO } from "../helpers/app.js";
import { collectOutput, type ProcessOutput } from "../helpers/process.js";

const TSX = path.join(REPO, "node_modules/tsx/dist/cli.mjs");

export const STACK_FRAME = /^\s+at /m;

export function runScript(
  script: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<ProcessOutput> {
  const child = spawn(process.execPath, [TSX, path.join(REPO, "scripts", `${script}.ts`), ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collectOutput(child);
}
