// @fileoverview The shared model between stages (input → elf → analyze → verdict → report). Types only.

import type { ElfMachine, LibcFlavour, Linkage } from "./elf/types.js";
import type { Resolution } from "./disasm/types.js";

/** Bumped whenever the JSON report changes shape; see docs/report.schema.json. */
export const SCHEMA_VERSION = 3;

export type Arch = "x86_64" | "aarch64";
export type Status = "full" | "partial" | "stub" | "enosys" | "absent";
export type Severity = "blocker" | "warning" | "info";
/** A severity, or "ok" where nothing is wrong (a rule or a call site on a target that supports what it needs). */
export type Level = Severity | "ok";
export type Confidence = "high" | "medium" | "low";
export type FailOn = "blocker" | "warning" | "none";
export type Verdict = "compatible" | "warnings" | "blocked" | "unknown";

/**
 * Where a way in was read: "code" (a site in the program's own code), `code:<path>` (the code of a library or the
 * loader at that path), `<libc>-map` (the curated map of that libc: "glibc-map", "musl-map"), `rule:<id>` (a rule's
 * match in source), "call" (a libc call's argument in source), "syscall-use" (a syscall named in source).
 */
export type ViaSource = "code" | `code:${string}` | `${string}-map` | `rule:${string}` | "call" | "syscall-use";

/** One way a file reaches a syscall. */
export interface Via {
  /** import: an imported libc function (curated map); startup: ld.so + libc start-up of every dynamically linked
   * program; site: a syscall instruction or syscall-wrapper call in the file's own reachable code; library: an
   * imported function analysed in the library that defines it; source: a line of C/C++ source (a call a rule
   * matched, or a syscall(SYS_x) use). */
  kind: "import" | "startup" | "site" | "library" | "source";
  /** The imported function (kind import). */
  function?: string;
  /** Its symbol version, e.g. GLIBC_2.2.5. */
  version?: string;
  /** The DT_NEEDED library the version belongs to, when the binary says. */
  library?: string;
  /** For kind site: the instruction's address (hex). */
  address?: string;
  /** For kind site: how the number was found. */
  how?: Resolution;
  /** For clone sites: the flags found at the site, which decide whether it makes a thread or a process. */
  flags?: string;
  /** Usage mode implied by the function, e.g. "process" for fork → clone. */
  mode?: string;
  /** Where the function → syscall fact comes from (see ViaSource). */
  source: ViaSource;
  /** Made only on a path the caller opts into (an attribute, flag or file action). */
  conditional?: boolean;
  /** The libc carries on silently when this syscall fails here. */
  tolerated?: boolean;
  /** Reached only through a fatal-error function (abort, assert, fortify failure): the program is dying anyway. */
  errorPath?: boolean;
  /** Found in the library's code but not on the paths the curated libc map lists for the function. */
  rarePath?: boolean;
  /**
   * Reached only through a function pointer a library stores in its own data and calls indirectly (libevent's
   * table of polling back-ends, sqlite's table of syscall wrappers): real on some configurations, not on every path.
   */
  viaPointer?: boolean;
  /** The runtime (libc, Go, Rust std, libuv) makes this call from here and carries on when it fails: what it does
   * instead, with its upstream evidence (syscall-db/fallbacks/). Whether a target's refusal is tolerated depends on
   * the errno the target gives: see `errors`. */
  fallback?: FallbackUse;
}

/** A tolerated failure, as a finding shows it (syscall-db/fallbacks/<runtime>.yaml). */
export interface FallbackUse {
  runtime: string;
  /** Errno names after which the runtime falls back; "*" for any failure. */
  errors: readonly string[];
  /** Syscalls used instead (empty: the feature is skipped). */
  to: readonly string[];
  does: string;
  /** Upstream evidence: owner/repo@ref:path:lines. */
  at: string;
}

/**
 * How the program's own code gets to one way into a syscall: the shortest call chain from an entry point (`main`
 * when the file names it, else the ELF entry, then the init/fini arrays, exports and address-taken functions).
 */
export interface CallChain {
  /** What the chain leads to: the imported function as a finding's via shows it ("fork@GLIBC_2.2.5"), or a syscall
   * site's address ("0x401136"). */
  from: string;
  /** The usage mode of that way in (clone: process or thread), when it has one. */
  mode?: string;
  /** The program's own functions that call the import directly, or the one holding the site; nearest the entry
   * first, at most 8. Names from .symtab, .dynsym or Go's function table, C++ demangled, sub_<address> otherwise. */
  callers: string[];
  /** Function names from the entry point to `from`: ["main", "serve_background", "spawn_worker", "fork@GLIBC_2.2.5"]. */
  chain: string[];
}

/** A syscall that a file can make, independent of any target. */
export interface ReachedSyscall {
  name: string;
  /** Number on the file's architecture. */
  nr: number;
  /** Usage modes seen (e.g. ["process", "thread"] for clone); empty when the way it is called says nothing. */
  modes: string[];
  via: Via[];
  /** Further code sites not listed in via (the list keeps the first few). */
  moreSites?: number;
  /** Further ways in (imported functions, library paths) not listed in via: the report keeps the first 24. */
  moreVia?: number;
  /** Served by the kernel's vDSO in user space when the platform provides one; the syscall is the fallback. */
  vdso?: boolean;
  confidence: Confidence;
  /** ELF files: how the entry points reach the ways in, at most 4 (and the best of each mode): unqualified ways in
   * first, then chains from main, from the ELF entry, from other roots, then shorter chains, then by `from`; one per
   * distinct chain. Absent when no chain is known (start-up code, source files, code that could not be read). */
  chains?: CallChain[];
}

/**
 * Why an input could not be reported: an errno name from the file system (ENOENT, EACCES, EIO...), or one of unifit's
 * own reasons. Machine-readable in every format (JSON `errors[].code`, SARIF notifications).
 */
export type InputErrorCode =
  | `E${string}` // an errno name: ENOENT, EISDIR, EACCES, ELOOP, EIO...
  // not analysable as given
  | "NOT_ELF" | "BAD_ELF" | "NOT_PROGRAM" | "UNSUPPORTED_ARCH" | "NO_ELF" | "NOT_TEXT" | "NOT_FILE"
  // the directory walk
  | "BAD_NAME" | "BAD_LINK" | "DANGLING_LINK" | "UNSAFE_PATH" | "CHANGED" | "TOO_MANY_FILES"
  // budgets and bounds
  | "TOO_LARGE" | "TOO_DEEP" | "FILE_TIMEOUT" | "FILE_MEMORY" | "PARSE_TIMEOUT" | "PARSE_MEMORY"
  // images
  | "NOT_IMAGE" | "BAD_MANIFEST" | "MISSING_LAYER" | "MISSING_PROGRAM" | "NO_PLATFORM" | "CORRUPT"
  // C/C++ sources
  | "BAD_COMPILE_COMMANDS"
  // a fault of unifit's own, reported per file
  | "INTERNAL";

export interface InputError {
  path: string;
  code: InputErrorCode;
  message: string;
}

export interface BinaryInfo {
  arch: Arch | ElfMachine;
  bits: 32 | 64;
  endian: "little" | "big";
  linkage: Linkage;
  pie: boolean;
  libc: LibcFlavour;
  libcEvidence: string;
  /** Go toolchain version from the build info (e.g. go1.19.8), for Go programs. */
  goVersion?: string;
  /** Built from Rust (std markers found). */
  rust: boolean;
  stripped: boolean;
  sectionHeaders: boolean;
  interp?: string;
  needed: string[];
  rpath: string[];
  runpath: string[];
  /** How many imported functions were followed through the libc map, and how many are not in it. */
  importsMapped: number;
  /** Imported libc symbols with no map entry (pure functions such as strlen, or not yet mapped). */
  unmappedImports: string[];
  warnings: string[];
  /** DT_NEEDED libraries (transitively) found in the sysroot and read, with how many of the program's imported
   * functions bind to each; a library without a path was not found. Empty when libraries were not read. */
  libraries: { name: string; path?: string; functions: number }[];
  /** Scanned with its sources: how its code sites were placed in them. debugLine: it has a .debug_line; sites: the
   * code sites of its findings; placed: those given a source line; warnings: what of the line table could not be read
   * (those sites are placed by function name). */
  sourceLines?: { debugLine: boolean; sites: number; placed: number; warnings?: string[] };
  /** The file's own code: functions found and reachable, instructions decoded, resolved and unresolved syscall sites. */
  code: { functions: number; reachable: number; instructions: number; sites: number; unresolved: number; indirectCalls: number };
}

/** Something the analysis could not see through; reported, never dropped. */
export interface Uncertainty {
  kind:
    | "raw-syscall"
    | "no-libc-map"
    | "static-binary"
    | "unsupported-arch"
    | "degraded-elf"
    | "unresolved-sites"
    | "indirect-calls"
    | "int80"
    | "missing-library"
    | "damaged-code";
  message: string;
  functions?: string[];
}

/** A syscall as rated on one target. */
export interface Finding {
  syscall: string;
  nr: number;
  /** The mode that decided the status, when the row has modes and the call's mode is known; for argument rules the
   * value of the deciding argument at the call ("AF_NETLINK", "MAP_SHARED file"), or "unknown". */
  mode?: string;
  /** Set when the row has argument rules (src/db/args.ts): the deciding argument's name (domain, flags, request...). */
  argument?: string;
  status: Status;
  severity: Severity;
  note?: string;
  /** Upstream evidence for the status: repo@commit:path:line (or package@version:path:line). */
  evidence: string;
  /** What in the file leads to the syscall, e.g. "fork@GLIBC_2.2.5". */
  via: string[];
  /** The shortest call chain from an entry point to it for this syscall and mode (the first fitting entry of the
   * syscall's `chains`), e.g. ["main", "serve_background", "spawn_worker", "fork@GLIBC_2.2.5"]. */
  chain?: string[];
  /** Why the severity is lower than the status alone implies: "tolerated" (libc handles the failure),
   * "conditional" (only on a path the caller opts into), "option-refused" (a socket option the target refuses:
   * that one call fails and the program decides what follows), ... */
  qualifier?: "tolerated" | "conditional" | "error-path" | "rare-path" | "via-pointer" | "not-made" | "option-refused";
  /** For blockers: "program" when the program's own code makes the call or calls the libc function that makes it on
   * its usual path; "library" when it is reached only from inside the libraries the program calls (or the libc's
   * start-up). */
  origin?: "program" | "library";
  /** For a refusal every way in tolerates: what the program does instead, with its upstream evidence. */
  fallback?: string;
  hint?: string;
  /** Scanned with its sources: the places in the binary's own code that lead here (calls of the imported functions
   * of `via`, syscall instructions), at most 8, each with its source line when it was found. */
  sites?: CodeSite[];
  /** Further code sites not listed in `sites`. */
  moreSites?: number;
}

/** A place in a binary's own code that leads to a finding. */
export interface CodeSite {
  /** The call or syscall instruction's address (hex). */
  address: string;
  /** The function holding it (symbol name, C++ demangled; sub_<address> when unnamed). */
  function: string;
  /** The imported function it calls; absent for a syscall instruction or a syscall wrapper's call. */
  callee?: string;
  /** Where it is in the sources scanned with the binary; absent when neither way finds it. */
  source?: SourcePlace;
}

/** A binary's code site placed in the sources scanned with it. */
export interface SourcePlace {
  /** The source file: as the scan names it when it is one of the sources scanned or lies under a source directory
   * given, else as the debugging information names it. */
  file: string;
  line: number;
  /** 1-based, when known. */
  column?: number;
  /** dwarf: the binary's .debug_line; function-name: the site's enclosing function symbol matched to the source
   * function of that name (the binary has no line table, or none for this address). */
  how: "dwarf" | "function-name";
  /** function-name: "call" when the line is the one call of `callee` in that source function, "function" when it is
   * the function's first line (it has no such call, or several). */
  at?: "call" | "function";
  /** function-name: several source files define a (static) function of that name; each as file:line. The site is in
   * one of them; file and line are the first. */
  ambiguous?: string[];
  /** function-name, at "function": the function's calls of `callee` (path:line:column), one of which is this site. */
  calls?: string[];
  /** The source report's call site that is the same call (path:line:column, as in that file's `sites`). */
  sourceSite?: string;
}

export interface TargetVerdict {
  target: string;
  title: string;
  verdict: Verdict;
  /** 0-100: share of the reached syscalls that work (ok and info), warnings counting half. See src/verdict/rate.ts. */
  score: number;
  /** `libraryBlockers`: how many of the blockers are reached only from inside libraries (origin "library"). */
  counts: { blockers: number; libraryBlockers: number; warnings: number; info: number; ok: number };
  findings: Finding[];
  /** For a target with no POSIX surface at all (MirageOS): the one thing to know, instead of findings. */
  statement?: string;
}

/** A rule's level on one target, and what decided it. */
export interface RuleTargetLevel {
  target: string;
  level: Severity | "ok";
  /** The deciding syscall and its status on the target, with the target's note. */
  because: string;
  evidence?: string;
  /** What to do on this target (the rule's advice for the target's process model, else its hint). */
  advice?: string;
}

/** One place where a rule matched. */
export interface RuleSite {
  message: string;
  confidence: Confidence;
  /** Source position (1-based), for C/C++ files. */
  location?: { line: number; column: number; endLine: number; endColumn: number };
  /** The enclosing (source) or calling (binary) function. */
  function?: string;
  /** Binary: address of the matched call. */
  address?: string;
  excerpt?: string;
  /** Preprocessor conditions around the source line. */
  conditions?: string[];
}

/**
 * A process-model pattern found in a file, rated once on every selected target (the rating depends on the rule, not
 * on where it matched), with every place it matched.
 */
export interface RuleFinding {
  ruleId: string;
  title: string;
  category: string;
  hint: string;
  /** The name of the mechanical rewrite `unifit fix` can apply. */
  fix?: string;
  targets: RuleTargetLevel[];
  /** Where it matched, in the order found (source: by line; binary: by address). */
  hits: RuleSite[];
}

/**
 * One call in C/C++ source that leads to syscalls not fully supported on some selected target: a call of a libc
 * function the curated map gives syscalls (kind libc), or of a project function that reaches a process-model libc
 * call (kind wrapper: "rdbSaveBackground calls redisFork -> fork at server.c:6499"). Every such call is listed at
 * its own line; rules group them and add advice.
 */
export interface SourceCallSite {
  line: number;
  column: number;
  kind: "libc" | "wrapper";
  /** The libc function, or the project function, called. */
  callee: string;
  /** The call is a use of this macro, whose body makes the call. */
  macro?: string;
  /** The enclosing function. */
  function?: string;
  /** What the call implies through the curated libc map (a wrapper: everything the libc calls it reaches imply). */
  syscalls: { name: string; mode?: string; conditional?: boolean; tolerated?: boolean }[];
  /** Wrapper: the process-model libc functions the callee reaches. */
  reaches?: string[];
  /** Wrapper: the chain from the callee to the nearest of them, e.g. ["redisFork", "fork"]. */
  through?: string[];
  /** Wrapper: where that libc call is (path:line). */
  at?: string;
  /** Whether main, or a function whose address is passed on (a handler, a callback), reaches the call. */
  reachable: boolean;
  /** The shortest chain from main: ["main", "serverCron", "rdbSaveBackground", "redisFork"]. */
  chain?: string[];
  /** Set when the call is only compiled on other systems (or under flags the compile commands leave out): why. */
  notBuilt?: string;
  excerpt: string;
  conditions?: string[];
  /** Per selected target: the worst level of the syscalls, and the syscall that decided it. */
  targets: { target: string; level: Severity | "ok"; because?: string }[];
}

export interface SourceInfo {
  language: "c" | "cpp";
  lines: number;
  bytes: number;
  warnings: string[];
}

/** A finding taken out of a file's verdicts on purpose, with the reason (see src/verdict/suppress.ts). */
export interface Suppression {
  kind: "syscall" | "rule";
  /** The syscall (with its mode) or the rule id. */
  name: string;
  /** The target it was suppressed on; absent for an inline rule suppression (all targets). */
  target?: string;
  /** Its level before it was suppressed. */
  level: Severity;
  reason: string;
  /** "inline": a `// unifit-ignore` comment in the source; "config": an ignore entry of unifit.config.json. */
  by: "inline" | "config";
  /** The comment's line (inline). */
  line?: number;
}

export interface FileReport {
  path: string;
  kind: "elf" | "c" | "cpp";
  /** For ELF inputs. */
  binary?: BinaryInfo;
  /** For C/C++ inputs. */
  source?: SourceInfo;
  /** Process-model patterns (rules) found in the file. */
  rules: RuleFinding[];
  /** C/C++: every call that leads to syscalls not fully supported on some selected target, reachable ones first,
   * then by line. */
  sites?: SourceCallSite[];
  syscalls: ReachedSyscall[];
  uncertainties: Uncertainty[];
  targets: TargetVerdict[];
  /** Findings suppressed inline or by the config, with their reasons; absent when none. */
  suppressions?: Suppression[];
}

export interface TargetSummary {
  name: string;
  title: string;
  upstream: string;
}

export interface Report {
  schemaVersion: number;
  tool: { name: string; version: string };
  targets: TargetSummary[];
  failOn: FailOn;
  files: FileReport[];
  errors: InputError[];
  summary: ReportSummary;
  /** Container images and root file systems scanned whole, each with its own story and verdicts (absent otherwise). */
  images?: ImageReport[];
}

/** A program the image runs, in the order its configuration leads to it. */
export interface ImageProgram {
  /** Path inside the image. */
  path: string;
  /** entrypoint: the configuration's first word; interpreter: a script's #! line; exec: named literally by a script. */
  role: "entrypoint" | "interpreter" | "exec";
  /** The script that names it (interpreter, exec). */
  from?: string;
  kind: "elf" | "script" | "missing";
}

/** A shared object that a program of the image loads at run time (dlopen), found inside the image. */
export interface ImagePlugin {
  /** The program that loads it (path inside the image). */
  program: string;
  /** Path inside the image. */
  path: string;
  /** The name it is loaded by (as written in the program, or the file's name in a plugin directory). */
  name: string;
  /** dlopen: a name the program passes to dlopen literally; plugin-dir: a module in the program's plugin directory. */
  via: "dlopen" | "plugin-dir";
}

/** One image (or root file system) as a whole: what runs, what it loads, one verdict per target. */
export interface ImageReport {
  /** The scanned path; each of its files is reported as `<path>:<path inside the image>`. */
  path: string;
  kind: "docker-archive" | "oci-layout" | "rootfs";
  /** "os/arch" from the image's configuration. */
  platform?: string;
  layers: number;
  /** Entrypoint followed by Cmd, as the configuration gives them (empty for a root file system). */
  argv: string[];
  workingDir?: string;
  /** The programs that run, entrypoint first (scripts followed to what they exec literally). */
  programs: ImageProgram[];
  /** Libraries the ELF programs among them load, as found inside the image (paths inside it), sorted. */
  loads: string[];
  /** Plugins the ELF programs among them load at run time, in the programs' order, then by path (also in `loads`). */
  plugins: ImagePlugin[];
  /** ELF files in the image, all scanned. */
  elfFiles: number;
  /**
   * Per target: the image's verdict (the worst over the programs that run, or over every file when the configuration
   * names no program found in the image) and how many of its files got each verdict.
   */
  verdicts: { target: string; verdict: Verdict; decidedBy: "programs" | "all-files"; files: Record<Verdict, number> }[];
}

/** Over all files of a scan, per target. */
export interface TargetTotals {
  target: string;
  /** The worst verdict over all files. */
  verdict: Verdict;
  /** Blockers and warnings over all files. */
  blockers: number;
  warnings: number;
  /** How many files got each verdict. */
  files: Record<Verdict, number>;
  /** The syscalls (with the mode that decided, if any) that block the most files: at most 10, by files blocked, then name. */
  topBlockers: { syscall: string; mode?: string; files: number }[];
}

export interface ReportSummary {
  /** Files scanned (inputs with a report). */
  files: number;
  /** Inputs that could not be analysed. */
  errors: number;
  verdicts: TargetTotals[];
}
