// @fileoverview Runs a program under `strace -f` and returns the syscalls made by that program's own image:
// calls made after a successful execve (in a child that became another program) and by that program's children
// are not the scanned binary's and are left out; so is the initial execve that starts the program.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface Event {
  idx: number;
  pid: number;
  name: string;
  start: boolean;
  ret?: number;
}

const LINE = /^(\d+)\s+(?:<\.\.\. (\w+) resumed>(.*)|(\w+)\((.*))$/;

export function parseStrace(text: string): Event[] {
  const events: Event[] = [];
  text.split("\n").forEach((line, idx) => {
    const m = LINE.exec(line);
    if (m === null) return;
    const pid = Number(m[1]);
    const name = (m[2] ?? m[4]) as string;
    const rest = (m[3] ?? m[5]) as string;
    const start = m[4] !== undefined;
    const r = /\)\s+= (-?\d+)(?:\s|$)/.exec(rest);
    const e: Event = { idx, pid, name, start };
    if (r !== null && !rest.endsWith("<unfinished ...>")) e.ret = Number(r[1]);
    events.push(e);
  });
  return events;
}

const CREATES = new Set(["clone", "clone3", "fork", "vfork"]);

/** Syscall names made by the traced program's own image (see the file overview). */
export function ownSyscalls(events: readonly Event[]): Set<string> {
  if (events.length === 0) return new Set();
  const main = (events[0] as Event).pid;
  const execAt = new Map<number, number>();
  const parent = new Map<number, { pid: number; idx: number }>();
  let firstExecSeen = false;
  for (const e of events) {
    if (e.ret === undefined) continue;
    if (CREATES.has(e.name) && e.ret > 0) parent.set(e.ret, { pid: e.pid, idx: e.idx });
    if ((e.name === "execve" || e.name === "execveat") && e.ret === 0) {
      if (e.pid === main && !firstExecSeen) firstExecSeen = true;
      else if (!execAt.has(e.pid)) execAt.set(e.pid, e.idx);
    }
  }
  const foreignFrom = (pid: number, depth = 0): number => {
    const own = execAt.get(pid) ?? Infinity;
    const p = parent.get(pid);
    if (p === undefined || depth > 64) return own;
    return foreignFrom(p.pid, depth + 1) <= p.idx ? -1 : own;
  };
  const names = new Set<string>();
  let skippedInitialExec = false;
  for (const e of events) {
    if (!e.start) continue;
    if (e.pid === main && e.name === "execve" && !skippedInitialExec) {
      skippedInitialExec = true;
      continue;
    }
    if (e.idx > foreignFrom(e.pid)) continue;
    names.add(e.name);
  }
  return names;
}

/** Runs `argv` under strace -f and returns the syscalls of its own image. */
export function traceProgram(argv: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Set<string> {
  const dir = mkdtempSync(join(tmpdir(), "unifit-strace-"));
  try {
    const out = join(dir, "trace");
    const r = spawnSync("strace", ["-f", "-qq", "-o", out, "--", ...argv], {
      cwd: options.cwd ?? dir,
      encoding: "utf8",
      timeout: options.timeoutMs ?? 30_000,
    });
    if (r.error !== undefined) throw r.error;
    return ownSyscalls(parseStrace(readFileSync(out, "utf8")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts `argv` under strace -f in the background; `stop()` ends it (SIGTERM to strace's child tree via the given
 * signal sender) and returns the syscalls of the program's own image.
 */
export function startTraced(argv: readonly string[], options: { cwd?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "unifit-strace-"));
  const out = join(dir, "trace");
  const child = spawn("strace", ["-f", "-qq", "-o", out, "--", ...argv], { cwd: options.cwd ?? dir, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    stderr: () => stderr,
    exited,
    /** Waits for the traced program to end (after the caller made it stop), then parses the trace. */
    async finish(timeoutMs = 20_000): Promise<Set<string>> {
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
      try {
        return ownSyscalls(parseStrace(readFileSync(out, "utf8")));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Runs a foreign-architecture program under qemu-user (`qemu-<arch> -strace`, its log in a file) and returns the
 * syscall names the program made: qemu logs the guest's own calls, by name or as "Unknown syscall N" (named here
 * with `nameOf`). A child that execs a host program leaves qemu, so nothing after its exec is logged. The run is
 * wrapped in `strace -f -e trace=none`, which only waits for every process (a daemon outlives its parent).
 * Threads' log lines can interleave mid-line, so calls are matched anywhere in the text, not only at line starts.
 */
export function traceEmulated(
  argv: readonly string[],
  options: { qemu: string; sysroot?: string; cwd?: string; timeoutMs?: number; nameOf: (nr: number) => string | undefined },
): Set<string> {
  const dir = mkdtempSync(join(tmpdir(), "unifit-qemu-"));
  try {
    const log = join(dir, "log");
    const qemu = [options.qemu, ...(options.sysroot === undefined ? [] : ["-L", options.sysroot]), "-D", log, "-strace"];
    const r = spawnSync("strace", ["-f", "-qq", "-e", "trace=none", "-o", "/dev/null", "--", ...qemu, ...argv], {
      cwd: options.cwd ?? dir,
      encoding: "utf8",
      timeout: options.timeoutMs ?? 60_000,
    });
    if (r.error !== undefined) throw r.error;
    const text = readFileSync(log, "utf8");
    const names = new Set<string>();
    for (const m of text.matchAll(/(?:^|[\s)])\d+ ([a-z_][a-z0-9_]*)\(/gm)) names.add(m[1] as string);
    for (const m of text.matchAll(/\d+ Unknown syscall (\d+)/g)) names.add(options.nameOf(Number(m[1])) ?? `nr_${m[1]}`);
    return names;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
