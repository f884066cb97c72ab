// @fileoverview Runs the built `unifit` executable as a user would, capturing stdout, stderr and the exit code.

import { spawnSync } from "node:child_process";
import { CLI, ROOT } from "./paths.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, input?: string): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    ...(input !== undefined ? { input } : {}),
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "", ...env },
    maxBuffer: 256 * 1024 * 1024,
    // A hung CLI fails its test (code -1) instead of stalling the whole suite.
    timeout: 600_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
