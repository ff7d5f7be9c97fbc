import type { ChildProcess } from "node:child_process";

export interface ProcessOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A child process's exit code and whole output. The streams are decoded as UTF-8 streams: a
 * character split across two chunks would otherwise come out as replacement characters.
 */
export function collectOutput(child: ChildProcess): Promise<ProcessOutput> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
