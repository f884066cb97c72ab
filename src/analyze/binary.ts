// @fileoverview One ELF program → its target-independent syscall inventory: the libc start-up, imported functions
// (curated map), and the file's own reachable code (syscall sites and syscall-wrapper calls), with uncertainty.

import type { Database, SyscallTable } from "../db/types.js";
import type { ElfFile } from "../elf/types.js";
import type { Arch, CallChain, Confidence, ReachedSyscall, Uncertainty, Via } from "../types.js";
import { CLONE_PROCESS_BIT, CLONE_THREAD_BIT, analyzeCode } from "./code.js";
import type { ChainFinder, CodeAnalysis, LibcGates } from "./code.js";
import { SyscallCollector } from "./collector.js";
import { applyImportValues, argumentModes } from "./arg-modes.js";
import { markFallbacks } from "./fallbacks.js";
import { analyzeImports } from "./imports.js";
import { LibrarySession, bindImport, loadLibraries, makeFollower, pathInSysroot } from "./libraries.js";
import type { LibcUsual, LibraryRoot } from "./libraries.js";
import { createHash } from "node:crypto";
import { demangle } from "../util/demangle.js";
import { hex } from "../util/hex.js";
import { cloneFlags, cloneMode } from "../util/clone.js";
import type { CloneMode } from "../util/clone.js";
import { byKey, byName, compareNumbers, compareOptional, compareStrings } from "../util/compare.js";

export interface BinaryOptions {
  /** The scanned file's path (for $ORIGIN). */
  path: string;
  /**
   * Root of the file system the program will run on: its libraries are looked up there (a host directory, or a file
   * view such as an image's). Undefined: map only.
   */
  sysroot?: LibraryRoot;
  /** The program's own path inside that file system (for $ORIGIN); derived from `path` under a host sysroot when absent. */
  programPath?: string;
  /** Function names rules ask about: calls to them from reachable code are reported in code.calls. */
  interest?: ReadonlySet<string>;
  /** What the library analysis remembers between programs; a fresh one (for this program alone) when absent. */
  session?: LibrarySession;
}

export interface LibraryUse {
  name: string;
  /** Path inside the sysroot, or undefined when it was not found. */
  path?: string;
  /** Imported functions of the program that bind to it. */
  functions: number;
}

export interface BinaryAnalysis {
  syscalls: ReachedSyscall[];
  uncertainties: Uncertainty[];
  importsMapped: number;
  unmappedImports: string[];
  code: CodeAnalysis;
  /** DT_NEEDED libraries and whether their code was read (only with a sysroot). */
  libraries: LibraryUse[];
  /** Nothing could see this file's syscalls (no map for its libc and no code analysis): the verdict is unknown. */
  blind: boolean;
}

const CLONE_PROCESS: { name: string; mode: CloneMode } = { name: "clone", mode: "process" };
const CLONE_THREAD_REF: { name: string; mode: CloneMode } = { name: "clone", mode: "thread" };

/** The names in a curated map's list, made once per list (a scan asks for the same libc functions in every file). */
const mapNames = new WeakMap<readonly { name: string }[], ReadonlySet<string>>();
const EMPTY_NAMES: ReadonlySet<string> = new Set();
/** The clone modes a curated map's list gives (both for a plain clone); empty when it lists no clone. */
const mapModes = new WeakMap<readonly { name: string; mode?: string }[], ReadonlySet<string>>();
function cloneModesIn(list: readonly { name: string; mode?: string }[]): ReadonlySet<string> {
  let modes = mapModes.get(list);
  if (modes === undefined) {
    const m = new Set<string>();
    for (const r of list) {
      if (r.name !== "clone") continue;
      if (r.mode !== undefined) m.add(r.mode);
      else m.add("process").add("thread");
    }
    mapModes.set(list, (modes = m));
  }
  return modes;
}
function namesIn(list: readonly { name: string }[]): ReadonlySet<string> {
  let names = mapNames.get(list);
  if (names === undefined) mapNames.set(list, (names = new Set(list.map((r) => r.name))));
  return names;
}

/** The sonames under which each libc flavour's shared library is loaded. */
const LIBC_SONAMES: Readonly<Record<string, readonly string[]>> = {
  glibc: ["libc.so.6"],
  musl: ["libc.so", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1"],
};

/**
 * What each mapped libc function makes on its usual paths, as syscall numbers (clone in a mode as its pseudo-number,
 * plain clone as both), without the opt-in (conditional) ones: the library analysis cuts every other path through
 * these functions off as rare. Made once per database and architecture.
 */
const usualCache = new WeakMap<Database, Map<Arch, LibcUsual>>();
function libcUsual(db: Database, arch: Arch): LibcUsual {
  let byArch = usualCache.get(db);
  if (byArch === undefined) usualCache.set(db, (byArch = new Map<Arch, LibcUsual>()));
  const known = byArch.get(arch);
  if (known !== undefined) return known;
  const table = db.tables[arch];
  const bySoname = new Map<string, ReadonlyMap<string, ReadonlySet<number>>>();
  const h = createHash("sha256");
  for (const [flavour, map] of [...db.libcs].sort(byKey)) {
    const sonames = LIBC_SONAMES[flavour];
    if (sonames === undefined) continue;
    const usual = new Map<string, ReadonlySet<number>>();
    for (const [fn, entry] of [...map.functions].sort(byKey)) {
      const nrs = new Set<number>();
      for (const r of entry[arch]) {
        if (entry.conditional.has(r.name)) continue;
        const nr = table.byName.get(r.name)?.nr;
        if (nr === undefined) continue;
        if (r.name === "clone" && r.mode === "process") nrs.add(CLONE_PROCESS_BIT);
        else if (r.name === "clone" && r.mode === "thread") nrs.add(CLONE_THREAD_BIT);
        else {
          nrs.add(nr);
          if (r.name === "clone") {
            nrs.add(CLONE_PROCESS_BIT);
            nrs.add(CLONE_THREAD_BIT);
          }
        }
      }
      usual.set(fn, nrs);
      h.update(`${flavour}\0${fn}\0${[...nrs].sort(compareNumbers).join(",")}\n`);
    }
    for (const so of sonames) bySoname.set(so, usual);
  }
  const out: LibcUsual = { key: h.digest("hex").slice(0, 12), bySoname };
  byArch.set(arch, out);
  return out;
}

/** One { name } per syscall number and table, shared by every file (the collector never changes it). */
const refs = new WeakMap<SyscallTable, Map<number, { name: string }>>();
function refOf(table: SyscallTable, nr: number): { name: string } {
  let byNr = refs.get(table);
  if (byNr === undefined) refs.set(table, (byNr = new Map<number, { name: string }>()));
  let ref = byNr.get(nr);
  if (ref === undefined) byNr.set(nr, (ref = { name: table.byNr.get(nr) ?? "" }));
  return ref;
}

function listFunctions(names: readonly string[], max = 8): string[] {
  const unique = [...new Set(names)].sort();
  return unique.length > max ? [...unique.slice(0, max), `... ${unique.length - max} more`] : unique;
}

export function analyzeBinary(elf: ElfFile, bytes: Uint8Array, arch: Arch, db: Database, options: BinaryOptions): BinaryAnalysis {
  const table = db.tables[arch];
  const out = new SyscallCollector(table);
  const imports = analyzeImports(elf, arch, db, out);
  const uncertainties = [...imports.uncertainties];
  const map = db.libcs.get(elf.classification.libc);
  const tolerated = map?.tolerated.names ?? new Set<string>();
  const libraries: LibraryUse[] = [];

  // The real libraries: each imported function followed through the code of the library that defines it.
  if (options.sysroot !== undefined && elf.classification.linkage === "dynamic") {
    const inRoot = options.programPath ?? (typeof options.sysroot === "string" ? pathInSysroot(options.path, options.sysroot) : options.path);
    const session = options.session ?? new LibrarySession();
    // What the session keeps from the files before stays within its bound: memory follows the files in flight.
    session.trim();
    const set = loadLibraries(session, elf, inRoot, arch, options.sysroot, libcUsual(db, arch));
    const follow = makeFollower(session, set);
    const bound = new Map<string, number>();
    const indirect: string[] = [];
    for (const sym of elf.imports) {
      if (!(sym.kind === "func" || sym.kind === "ifunc" || sym.kind === "notype")) continue;
      const lib = bindImport(set, sym.name, sym.library);
      if (lib === undefined) continue;
      const f = follow(lib, sym.name);
      if (f === undefined) continue;
      bound.set(lib.name, (bound.get(lib.name) ?? 0) + 1);
      if (f.indirect) indirect.push(sym.name);
      const mapped = map?.functions.get(sym.name);
      const mappedNames = mapped === undefined ? EMPTY_NAMES : namesIn(mapped[arch]);
      const mappedModes = mapped === undefined ? undefined : cloneModesIn(mapped[arch]);
      const via: Via = { kind: "library", function: sym.name, library: lib.name, source: `code:${lib.path}` };
      if (sym.version !== undefined) via.version = sym.version;
      // One object per qualifier and function, shared by all the syscalls it reaches.
      const qualified = new Map<string, Via>();
      const withQualifier = (q: "tolerated" | "errorPath" | "conditional" | "rarePath" | "viaPointer"): Via => {
        let v = qualified.get(q);
        if (v === undefined) qualified.set(q, (v = { ...via, [q]: true }));
        return v;
      };
      const pure = map?.pure.names.has(sym.name) === true;
      for (const set of [f.direct, f.errorPath, f.pointer]) {
        const error = set === f.errorPath;
        for (const nr of set) {
          const ref: { name: string; mode?: string } =
            nr === CLONE_PROCESS_BIT ? CLONE_PROCESS : nr === CLONE_THREAD_BIT ? CLONE_THREAD_REF : refOf(table, nr);
          if (ref.name === "") continue;
          let v = via;
          if (tolerated.has(ref.name)) v = withQualifier("tolerated");
          else if (set === f.pointer) v = withQualifier("viaPointer");
          else if (error) v = withQualifier("errorPath");
          else if (mapped?.conditional.has(ref.name)) v = withQualifier("conditional");
          // The curated map, checked against strace, lists what the function does on its paths; a syscall only the
          // code shows is on a path the map leaves out (priority-protect mutexes, NSS modules): it cannot block alone.
          // The same holds for a clone mode the map does not give the function (posix_spawn's process clone behind
          // pthread_create's shared clone helper), and for what the library analysis found only through such paths
          // of the mapped libc functions that an unmapped function (or another library) calls.
          else if ((mapped !== undefined && !mappedNames.has(ref.name)) || pure) v = withQualifier("rarePath");
          else if (mappedModes !== undefined && ref.mode !== undefined && mappedModes.size > 0 && !mappedModes.has(ref.mode)) v = withQualifier("rarePath");
          else if (!error && mapped === undefined && f.rare.has(nr)) v = withQualifier("rarePath");
          out.add(ref, v, error ? "medium" : "high");
        }
      }
    }
    // The dynamic loader's own start-up, from its code: everything reachable from its entry point.
    const interpName = elf.interp?.split("/").pop();
    const loader = set.libraries.find((l) => l.name === interpName || (interpName !== undefined && l.elf.soname === interpName));
    for (const nr of loader?.facts?.entry ?? []) {
      const name = nr === CLONE_PROCESS_BIT || nr === CLONE_THREAD_BIT ? "clone" : table.byNr.get(nr);
      if (name === undefined || loader === undefined) continue;
      const via: Via = { kind: "startup", library: loader.name, source: `code:${loader.path}` };
      if (tolerated.has(name) || map?.startup.tolerated.has(name) === true) via.tolerated = true;
      else if (!(map?.startup[arch].some((r) => r.name === name) ?? true)) via.rarePath = true;
      out.add({ name }, via, "high");
    }
    for (const l of set.libraries) libraries.push({ name: l.name, path: l.path, functions: bound.get(l.name) ?? 0 });
    for (const m of set.missing) libraries.push({ name: m, functions: 0 });
    libraries.sort(byName);
    if (set.missing.length > 0) {
      uncertainties.push({
        kind: "missing-library",
        message: `not found in the sysroot ${typeof options.sysroot === "string" ? options.sysroot : "(the image)"}: ${set.missing.join(", ")}; their functions were followed through the curated libc map only`,
      });
    }
    if (indirect.length > 0) {
      uncertainties.push({
        kind: "indirect-calls",
        message: `${indirect.length} imported function(s) reach indirect calls inside their libraries; where those lead is taken from the curated ${map?.libc ?? "libc"} map, not from code`,
        functions: listFunctions(indirect),
      });
    }
  }

  // In a static libc, the curated map qualifies the paths through the libc functions the program calls, as it does
  // for a dynamic program's imports.
  let gates: LibcGates | undefined;
  if (map !== undefined && elf.classification.linkage !== "dynamic") {
    const nrs = (names: Iterable<string>): Set<number> =>
      new Set([...names].map((n) => table.byName.get(n)?.nr).filter((x): x is number => x !== undefined));
    const optIn = new Map<string, Set<number>>();
    const usual = new Map<string, Set<number>>();
    for (const [fn, entry] of map.functions) {
      const listed = nrs(entry[arch].map((r) => r.name));
      const cond = nrs(entry.conditional);
      for (const c of cond) listed.delete(c);
      usual.set(fn, listed);
      if (cond.size > 0) optIn.set(fn, cond);
    }
    gates = { optIn, usual };
  }
  const code = analyzeCode(elf, bytes, arch, options.interest, gates);
  const unknownNumbers: number[] = [];
  const argModes = argumentModes(code.sites, table);
  for (const [si, s] of code.sites.entries()) {
    const name = table.byNr.get(s.nr);
    if (name === undefined) {
      unknownNumbers.push(s.nr);
      continue;
    }
    // Socket's domain, mmap's kind of mapping...: the value at the call is the mode; a site inside libc's socket()
    // itself stands for the calls of it, which carry the value.
    const argModesHere = argModes.modesOf(si);
    if (argModesHere === null) continue;
    const confidence: Confidence = s.how === "copied" || s.how === "hoisted" ? "medium" : "high";
    const via: Via = { kind: "site", function: s.function, address: hex(s.addr), how: s.how, source: "code" };
    if (name === "clone" && s.arg0 !== undefined) via.flags = cloneFlags(s.arg0);
    // In a statically linked libc the site sits in the libc function itself: the curated map's qualifiers apply.
    const inMap = map?.functions.get(s.function.replace(/^__(libc_)?/, "")) ?? map?.functions.get(s.function);
    if (tolerated.has(name)) via.tolerated = true;
    else if (inMap?.conditional.has(name) === true || s.conditional === true) via.conditional = true;
    else if (s.rarePath === true) via.rarePath = true;
    // One way in per value the site's argument takes (its function's callers may pass several).
    for (const argMode of argModesHere ?? [undefined]) {
      const ref: { name: string; mode?: string } = { name };
      if (argMode !== undefined) ref.mode = argMode;
      // clone's flags decide what it creates: without CLONE_THREAD it is a new process.
      if (name === "clone" && s.arg0 !== undefined) ref.mode = cloneMode(s.arg0);
      out.add(ref, via, confidence);
    }
  }

  // clone(fn, stack, flags, …) imported from libc: when every call of it in the program's own code passes known flags,
  // those flags say which modes the program asks for, not the map's list of every mode clone() can make.
  if (elf.imports.some((i) => i.name === "clone")) {
    const cloneSites = code.sites.filter((s) => s.kind === "wrapper" && table.byNr.get(s.nr) === "clone");
    if (cloneSites.length > 0 && cloneSites.every((s) => s.arg0 !== undefined)) {
      out.restrictModes("clone", "clone", new Set(cloneSites.map((s) => cloneMode(s.arg0 as number))));
    }
  }

  applyImportValues(out, argModes);

  markFallbacks(elf, db, out);

  const unresolvedWrapperCalls = code.unresolved.filter((u) => u.kind === "wrapper");
  if (imports.rawWrappers.length > 0 && (code.unsupported !== undefined || unresolvedWrapperCalls.length > 0)) {
    uncertainties.push({
      kind: "raw-syscall",
      message:
        code.unsupported !== undefined
          ? "imports a raw syscall() wrapper: the syscall numbers passed to it are not visible from the imports"
          : `${unresolvedWrapperCalls.length} call(s) to a raw syscall() wrapper pass a number that could not be found`,
      functions: imports.rawWrappers,
    });
  }
  const unresolvedSites = code.unresolved.filter((u) => u.kind !== "wrapper");
  if (unresolvedSites.length > 0) {
    uncertainties.push({
      kind: "unresolved-sites",
      message: `${unresolvedSites.length} reachable syscall instruction(s) with a number that could not be found statically`,
      functions: listFunctions(unresolvedSites.map((u) => u.function)),
    });
  }
  if (unknownNumbers.length > 0) {
    uncertainties.push({
      kind: "unresolved-sites",
      message: `syscall number(s) ${[...new Set(unknownNumbers)].sort(compareNumbers).join(", ")} are not in the ${arch} table`,
    });
  }
  if (code.int80 > 0) {
    uncertainties.push({ kind: "int80", message: `${code.int80} reachable \`int 0x80\` site(s): 32-bit syscall ABI, numbers from the i386 table, not rated` });
  }
  if (code.indirectCalls > 0 && elf.classification.linkage !== "dynamic") {
    uncertainties.push({
      kind: "indirect-calls",
      message: `${code.indirectCalls} indirect call(s) or jump(s) in reachable code: every address-taken function is treated as reachable`,
    });
  }
  if (code.unsupported !== undefined && elf.classification.linkage !== "dynamic") {
    uncertainties.push({
      kind: "static-binary",
      message: `${elf.classification.linkage} binary: it imports no functions and ${code.unsupported}, so its syscalls are unknown`,
    });
  }
  if (code.invalidBytes > 0 || code.outsideTransfers > 0) {
    const parts: string[] = [];
    if (code.invalidBytes > 0) parts.push(`${code.invalidBytes} byte(s) of code do not decode as ${arch} instructions`);
    if (code.outsideTransfers > 0) parts.push(`${code.outsideTransfers} direct call(s) or jump(s) in reachable code lead outside the code`);
    uncertainties.push({
      kind: "damaged-code",
      message: `${parts.join("; ")}: data in code or damage; what those bytes do is unknown, so syscalls may be missing`,
    });
  }
  if (elf.warnings.length > 0) {
    uncertainties.push({ kind: "degraded-elf", message: `the ELF is damaged; read what could be read: ${elf.warnings.join("; ")}` });
  }
  const hasMap = db.libcs.has(elf.classification.libc);
  const blind = code.unsupported !== undefined && (elf.classification.linkage !== "dynamic" || !hasMap);
  const syscalls = out.result();
  if (code.chains !== undefined) attachChains(syscalls, code.chains);
  return {
    syscalls,
    uncertainties,
    importsMapped: imports.importsMapped,
    unmappedImports: imports.unmappedImports,
    code,
    libraries,
    blind,
  };
}

/** Chains kept per syscall. */
const MAX_CHAINS = 4;

/**
 * Each reached syscall's call chains: one per imported function (import or library way in) or code site, from the
 * file's single search of its call graph; start-up ways in have none. Each chain is read once per file.
 */
function attachChains(syscalls: ReachedSyscall[], finder: ChainFinder): void {
  type Found = { from: string; callers: string[]; chain: string[]; root: number; text: string };
  const known = new Map<string, Found | null>();
  const chainOf = (v: Via): Found | null => {
    let key: string;
    if (v.kind === "site" && v.address !== undefined) key = v.address;
    else if ((v.kind === "import" || v.kind === "library") && v.function !== undefined) key = v.version !== undefined ? `${v.function}@${v.version}` : v.function;
    else return null;
    let c = known.get(key);
    if (c === undefined) {
      const found = v.kind === "site" ? finder.toAddress(Number.parseInt(v.address as string, 16)) : finder.toImport(v.function as string);
      // The import ends the chain under its demangled name (its via label, `from`, stays as the symbol reads).
      const shown = v.version !== undefined ? `${demangle(v.function as string)}@${v.version}` : demangle(v.function as string);
      const chain = v.kind === "site" ? found?.chain : found !== undefined ? [...found.chain, shown] : undefined;
      c = found === undefined || chain === undefined ? null : { from: key, callers: found.callers, chain, root: found.root, text: chain.join("\0") };
      known.set(key, c);
    }
    return c;
  };
  for (const sc of syscalls) {
    const seen = new Set<string>();
    const found: { c: CallChain; soft: boolean; root: number }[] = [];
    for (const v of sc.via) {
      const c = chainOf(v);
      if (c === null) continue;
      // Two sites in one function have the same chain: it is listed once per mode.
      const id = `${c.text}\0${v.mode ?? ""}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const chain: CallChain = { from: c.from, callers: c.callers, chain: c.chain };
      if (v.mode !== undefined) chain.mode = v.mode;
      found.push({ c: chain, soft: v.tolerated === true || v.errorPath === true || v.rarePath === true || v.conditional === true, root: c.root });
    }
    if (found.length === 0) continue;
    found.sort((a, b) => Number(a.soft) - Number(b.soft) || a.root - b.root || a.c.chain.length - b.c.chain.length || compareStrings(a.c.from, b.c.from) || compareOptional(a.c.mode, b.c.mode));
    // Every mode keeps its best chain even past the cap (a finding is rated per mode).
    const kept: CallChain[] = [];
    const modes = new Set<string>();
    for (const { c } of found) {
      const m = c.mode ?? "";
      if (kept.length < MAX_CHAINS || !modes.has(m)) {
        kept.push(c);
        modes.add(m);
      }
    }
    sc.chains = kept;
  }
}
