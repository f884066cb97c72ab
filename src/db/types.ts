// @fileoverview The loaded, validated syscall-db: read-only lookups handed to analyze and verdict.

import type { Arch, Status } from "../types.js";

export interface SyscallTable {
  arch: Arch;
  package: string;
  version: string;
  byName: ReadonlyMap<string, { nr: number; line: number }>;
  byNr: ReadonlyMap<number, string>;
}

export interface SurfaceRow {
  status: Status;
  at: string;
  repo?: string;
  commit?: string;
  note?: string;
  modes?: Readonly<Record<string, Status>>;
  /** For targets built from libraries (Unikraft): the library that provides the syscall. */
  library?: string;
  /**
   * The target never lets a program make this call, whatever its status (OSv calls signal handlers itself, so the
   * sa_restorer trampoline that makes rt_sigreturn never runs): where that is visible, and how.
   */
  notMade?: { at: string; note: string };
  /**
   * What the refused part of the row fails with when that is not ENOSYS (an errno name from src/db/errno.ts): the
   * row's own status when it is enosys/absent, else its enosys/absent modes (nanos kill's `other`: ESRCH).
   */
  errno?: string;
  /**
   * Argument rules (src/db/args.ts): status per named value of the one argument that decides support (socket's
   * domain, mmap's kind of mapping, ioctl's request...), each with its own upstream line; "other" for every resolved
   * value not listed. A call whose argument is not known is rated by the row.
   */
  args?: Readonly<Record<string, ArgRule>>;
}

/** What a target does with one value of a syscall's deciding argument. */
export interface ArgRule {
  status: Status;
  /** path:line in the row's repository (or the rule's own `repo`) where it is visible. */
  at: string;
  /** Only when the value is decided in another repository than the row's (Unikraft's socket options: lwIP). */
  repo?: string;
  commit?: string;
  /** What a refused value fails with, when not ENOSYS. */
  errno?: string;
  note?: string;
}

export interface SurfaceProfile {
  description: string;
  libraries: ReadonlySet<string>;
  /** Where the profile's library list was read: path:line in repo@commit. */
  at: string;
  repo?: string;
  commit?: string;
}

export interface Upstream {
  repo?: string;
  commit?: string;
  date?: string;
  package?: string;
  version?: string;
  how: string;
}

/**
 * What it takes to run a program on the target: an unmodified Linux ELF binary runs as is (linux-binary), the program
 * must be rebuilt against the target's own library OS (rebuild), or rewritten in another language (rewrite).
 */
export type Runs = "linux-binary" | "rebuild" | "rewrite";

export interface Surface {
  name: string;
  title: string;
  kind: string;
  processModel: "single-process" | "multi-process";
  runs: Runs;
  summary: string;
  upstream: Upstream;
  arch: Arch;
  rows: ReadonlyMap<string, SurfaceRow>;
  /** Set when the target has no POSIX surface at all (MirageOS): one plain statement replaces per-syscall findings. */
  noPosix?: string;
  /** Set when the target is another target under a new name (firecracker → linux). */
  aliasOf?: string;
  /** For a build profile of a configurable target (unikraft:full): the profile's name and what it enables. */
  profile?: { name: string; description: string; evidence: string; kconfig?: string[] };
}

export interface SyscallRef {
  name: string;
  mode?: string;
}

export interface LibcFunction {
  x86_64: SyscallRef[];
  aarch64: SyscallRef[];
  /** Syscalls made only on a path the caller opts into (an attribute, flag or file action), not by default. */
  conditional: ReadonlySet<string>;
  how: string;
}

export interface LibcMap {
  libc: string;
  version: string;
  startup: { why: string; x86_64: SyscallRef[]; aarch64: SyscallRef[]; tolerated: ReadonlySet<string> };
  /** Functions known to make no system call on their own paths. */
  pure: { why: string; names: ReadonlySet<string> };
  /** Syscalls whose failure this libc handles silently wherever it makes them (e.g. rseq registration). */
  tolerated: { why: string; names: ReadonlySet<string> };
  functions: ReadonlyMap<string, LibcFunction>;
}

/** The runtimes whose tolerated system-call failures syscall-db/fallbacks/ records. */
export type RuntimeName = "glibc" | "musl" | "go" | "rust" | "libuv";

/**
 * A system call that a runtime tries first and abandons when it fails (syscall-db/fallbacks/<runtime>.yaml): where
 * the failure is tolerated, the call is not a blocker on a target that lacks it, and `to` says what is used instead.
 */
export interface Fallback {
  runtime: RuntimeName;
  /** The system call tried first. */
  syscall: string;
  /** Symbols whose code makes the call and carries on when it fails (as in symbol tables), or "*" for everywhere. */
  functions: readonly string[];
  /** Errno names after which the runtime falls back; "*" for any failure. */
  errors: readonly string[];
  /** System calls used instead; empty when the feature is simply skipped. */
  to: readonly string[];
  /** One sentence: what the runtime does instead. */
  does: string;
  /** Upstream evidence: owner/repo@ref:path:lines[, path:lines...]. */
  at: string;
  /** For glibc and musl: the probe run that established it. */
  probe?: string;
}

/** Porting hints keyed by "syscall" or "syscall:mode", then by process model ("any" as fallback). */
export type Hints = ReadonlyMap<string, Readonly<Record<string, string>>>;

export interface Database {
  dir: string;
  tables: Readonly<Record<Arch, SyscallTable>>;
  surfaces: ReadonlyMap<string, Surface>;
  libcs: ReadonlyMap<string, LibcMap>;
  hints: Hints;
  /** Tolerated system-call failures per runtime, in file order. */
  fallbacks: ReadonlyMap<RuntimeName, readonly Fallback[]>;
}
