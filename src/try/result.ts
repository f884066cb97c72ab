// @fileoverview The helper's result file → counts and exit status, and the `unifit try` report built from a filtered
// run and its baseline (pure; no I/O).

import type { FilterSpec, TrapRule } from "./spec.js";
import { compareOptional, compareStrings } from "../util/compare.js";

export interface RunExit {
  /** The exit code a shell would show: the program's status, or 128+n when a signal ended it. */
  code: number;
  /** Set when a signal ended the program (after a timeout: SIGKILL). */
  signal?: number;
  timedOut: boolean;
  /** Set when the program could not be executed (errno number from execve). */
  execErrno?: number;
  /** Descendants kept running (and kept the filter) after the program exited; the supervisor stopped anyway. */
  outlived?: boolean;
}

export interface HelperResult {
  exit: RunExit;
  /** Count per rule id. */
  counts: ReadonlyMap<number, number>;
  /** clone3 calls whose flags could not be read (answered ENOSYS; libc then uses clone). */
  clone3Unread: number;
}

export interface RefusedCall {
  syscall: string;
  nr: number;
  mode?: string;
  /** What the emulation did: failed the call with `errno`, or returned 0 without running it (a stub). */
  action: "errno" | "stub";
  errno?: string;
  status: TrapRule["status"];
  count: number;
}

export interface TryReport {
  target: string;
  command: string[];
  /** Every trapped call the program made, by syscall and mode. */
  refused: RefusedCall[];
  clone3Unread: number;
  /** Syscalls whose rules the filter cannot apply to calls the vDSO answers (clock_gettime of CLOCK_MONOTONIC...). */
  unseen: { syscall: string; why: string }[];
  exit: RunExit;
  /** The plain run (no filter), or null with --no-baseline. */
  baseline: RunExit | null;
  /** same: the filtered run exited as the plain one did; different; unknown: no baseline, or a run timed out. */
  agreement: "same" | "different" | "unknown";
}

export class HelperResultError extends Error {}

/** Parses the lines the helper writes ("count ID N", "exit N" | "signal N", "timeout", "outlived", ...). */
export function parseHelperResult(text: string): HelperResult {
  const counts = new Map<number, number>();
  let code: number | undefined;
  let signal: number | undefined;
  let timedOut = false;
  let outlived = false;
  let execErrno: number | undefined;
  let clone3Unread = 0;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const [key, a, b] = line.split(" ");
    const num = (s: string | undefined): number => {
      const n = Number(s);
      if (s === undefined || !Number.isInteger(n) || n < 0) throw new HelperResultError(`bad result line "${line}"`);
      return n;
    };
    if (key === "count") counts.set(num(a), num(b));
    else if (key === "exit") code = num(a);
    else if (key === "signal") signal = num(a);
    else if (key === "timeout") timedOut = true;
    else if (key === "outlived") outlived = true;
    else if (key === "exec-error") execErrno = num(a);
    else if (key === "clone3-unread") clone3Unread = num(a);
    else throw new HelperResultError(`bad result line "${line}"`);
  }
  if (code === undefined && signal === undefined) throw new HelperResultError("the result has no exit status");
  const exit: RunExit = { code: signal !== undefined ? 128 + signal : (code ?? 0), timedOut };
  if (signal !== undefined) exit.signal = signal;
  if (execErrno !== undefined) exit.execErrno = execErrno;
  if (outlived) exit.outlived = true;
  return { exit, counts, clone3Unread };
}

/** The report: refused calls sorted by syscall then mode, and whether the filtered run exited as the plain one. */
export function buildReport(spec: FilterSpec, command: readonly string[], filtered: HelperResult, baseline: RunExit | null): TryReport {
  const refused: RefusedCall[] = [];
  for (const r of spec.rules) {
    const count = filtered.counts.get(r.id) ?? 0;
    // An allowed pair (setsockopt SOL_SOCKET/SO_REUSEADDR where its level's other is refused) ran: nothing to report.
    if (count === 0 || r.action === "allow") continue;
    refused.push({
      syscall: r.syscall,
      ...(r.mode !== undefined ? { mode: r.mode } : {}),
      nr: r.nr,
      action: r.action,
      ...(r.action === "errno" && r.errnoName !== undefined ? { errno: r.errnoName } : {}),
      status: r.status,
      count,
    });
  }
  refused.sort((a, b) => compareStrings(a.syscall, b.syscall) || compareOptional(a.mode, b.mode));
  const agreement =
    baseline === null || baseline.timedOut || filtered.exit.timedOut ? "unknown" : baseline.code === filtered.exit.code ? "same" : "different";
  return { target: spec.target, command: [...command], refused, clone3Unread: filtered.clone3Unread, unseen: spec.unseen, exit: filtered.exit, baseline, agreement };
}

const SIGNALS: Readonly<Record<number, string>> = { 1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM" };

function describeExit(e: RunExit): string {
  if (e.timedOut) return "was killed after the timeout";
  if (e.execErrno !== undefined) return `could not be executed (execve failed with errno ${e.execErrno}; status ${e.code})`;
  if (e.signal !== undefined) return `was killed by ${SIGNALS[e.signal] ?? `signal ${e.signal}`} (status ${e.code})`;
  return `exited with status ${e.code}`;
}

/** The human summary `unifit try` writes on stderr: one line per refused call, then the verdict. */
export function formatSummary(report: TryReport): string {
  const out: string[] = [];
  const p = `unifit try (${report.target})`;
  if (report.refused.length === 0) out.push(`${p}: no call was refused or stubbed`);
  for (const r of report.refused) {
    const name = r.mode !== undefined ? `${r.syscall} (${r.mode})` : r.syscall;
    const what = r.action === "stub" ? "stubbed (returned 0 without running)" : `refused with ${r.errno ?? "ENOSYS"}`;
    out.push(`${p}: ${name} ${what}, ${r.count} time${r.count === 1 ? "" : "s"} [${r.status}]`);
  }
  if (report.clone3Unread > 0) out.push(`${p}: clone3 flags unreadable ${report.clone3Unread} time(s): answered ENOSYS so that libc falls back to clone`);
  if (report.exit.outlived === true) out.push(`${p}: descendants outlived the program; their later calls were not counted`);
  for (const u of report.unseen) out.push(`${p}: not emulated: ${u.why}`);
  const verdict = `${p}: the program ${describeExit(report.exit)}`;
  if (report.baseline === null) out.push(`${verdict} (no baseline run)`);
  else if (report.agreement === "same") out.push(`${verdict}, as it does without the filter`);
  else if (report.agreement === "different") out.push(`${verdict}; without the filter it ${describeExit(report.baseline)}: it did NOT exit as it does without the filter`);
  else out.push(`${verdict}; without the filter it ${describeExit(report.baseline)}: agreement unknown`);
  return out.join("\n") + "\n";
}
