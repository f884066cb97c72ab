// @fileoverview Runs the built CLI under /usr/bin/time for the robustness tests: exit code, stdout, stderr and the
// child's peak resident memory (what `unifit scan` costs on an input, not how fast it is).

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, ROOT } from "../helpers/paths.js";

export interface Measured {
  code: number;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the CLI process, in MB. */
  peakMb: number;
}

export interface MeasureOptions {
  /**
   * A bound past which the CLI is killed (coreutils `timeout -s KILL`, under /usr/bin/time so that the peak is still
   * the CLI's), so that a hang fails the test instead of stalling the suite; the code is then 137.
   */
  killAfterSec?: number;
  /**
   * Run without root's override of file permissions when this runs as root (util-linux setpriv drops
   * CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set), so that a mode 000 entry is unreadable; the
   * user stays root, so the CLI itself is reachable wherever the clone is (a mktemp -d parent is mode 700).
   */
  unprivileged?: boolean;
}

/** The command prefix that runs a program as root without root's override of file permissions. */
export const WITHOUT_DAC_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] as const;

export function runMeasured(args: readonly string[], options: MeasureOptions = {}): Measured {
  const dir = mkdtempSync(join(tmpdir(), "unifit-measure-"));
  const timeFile = join(dir, "time.txt");
  const bound = options.killAfterSec === undefined ? [] : ["timeout", "-s", "KILL", String(options.killAfterSec)];
  const user = options.unprivileged === true && process.getuid?.() === 0 ? [...WITHOUT_DAC_OVERRIDE] : [];
  try {
    const r = spawnSync("/usr/bin/time", ["-f", "%M", "-o", timeFile, ...user, ...bound, process.execPath, CLI, ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" },
      maxBuffer: 256 * 1024 * 1024,
    });
    const kb = Number(/(\d+)\s*$/.exec(readFileSync(timeFile, "utf8"))?.[1] ?? NaN);
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, peakMb: kb / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A stack trace or an internal error on stderr: what a crash looks like from outside. */
export const CRASH = /^\s+at .+:\d+:\d+\)?$|internal error/im;

/** Each file's report of a compact JSON report (one per line), by path. */
export function reportsByPath(json: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of json.split("\n")) {
    const m = /^\s*\{"path":("(?:[^"\\]|\\.)*")/.exec(line);
    if (m !== null) out.set(JSON.parse(m[1] as string) as string, line.replace(/,\s*$/, ""));
  }
  return out;
}
