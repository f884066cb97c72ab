// @fileoverview clone(2)'s flags: what decides whether a clone makes a thread or a new process, and how the flags read
// as text. Values from linux include/uapi/linux/sched.h (v6.1). One definition for the binary and source analyses.

import type { Arch } from "../types.js";

/** What a clone creates: a thread (CLONE_THREAD set) or a new process (fork's clone(SIGCHLD)). */
export type CloneMode = "process" | "thread";

/** clone's number per architecture (x86_64: arch/x86/entry/syscalls/syscall_64.tbl; aarch64: asm-generic/unistd.h). */
export const CLONE_NR: Readonly<Record<Arch, number>> = { x86_64: 56, aarch64: 220 };

export const CLONE_THREAD = 0x10000;

/** The low byte of the flags is the signal sent to the parent when the child exits. */
const CSIGNAL = 0xff;
const SIGCHLD = 17;

const CLONE_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [0x100, "CLONE_VM"], [0x200, "CLONE_FS"], [0x400, "CLONE_FILES"], [0x800, "CLONE_SIGHAND"], [0x1000, "CLONE_PIDFD"],
  [0x2000, "CLONE_PTRACE"], [0x4000, "CLONE_VFORK"], [0x8000, "CLONE_PARENT"], [0x10000, "CLONE_THREAD"],
  [0x20000, "CLONE_NEWNS"], [0x40000, "CLONE_SYSVSEM"], [0x80000, "CLONE_SETTLS"], [0x100000, "CLONE_PARENT_SETTID"],
  [0x200000, "CLONE_CHILD_CLEARTID"], [0x1000000, "CLONE_CHILD_SETTID"], [0x2000000, "CLONE_NEWCGROUP"],
  [0x4000000, "CLONE_NEWUTS"], [0x8000000, "CLONE_NEWIPC"], [0x10000000, "CLONE_NEWUSER"], [0x20000000, "CLONE_NEWPID"],
  [0x40000000, "CLONE_NEWNET"], [0x80000000, "CLONE_IO"],
];

/** The mode a clone with these flags has. */
export function cloneMode(flags: number): CloneMode {
  return (flags & CLONE_THREAD) !== 0 ? "thread" : "process";
}

/** clone's flags as text, e.g. "CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD": the fact that decides the mode. */
export function cloneFlags(v: number): string {
  const parts = CLONE_FLAG_NAMES.filter(([bit]) => (v & bit) !== 0).map(([, n]) => n);
  const sig = v & CSIGNAL;
  if (sig === SIGCHLD) parts.push("SIGCHLD");
  else if (sig !== 0) parts.push(`signal ${sig}`);
  return parts.join("|") || "0";
}
