// @fileoverview Shared libraries of a dynamic program: finds each DT_NEEDED inside a sysroot the way ld.so does
// (RPATH, RUNPATH with $ORIGIN, ld.so.conf, default directories; transitive, cycle-safe), binds imports to the
// library that defines them, and follows each bound function through that library's own code analysis.
// Library facts are cached by content hash, so a whole tree analyses each library once.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { readCachedJson, writeCachedJson } from "../db/cache.js";
import { readElf } from "../elf/index.js";
import type { ElfFile } from "../elf/types.js";
import type { Arch } from "../types.js";
import { analyzeLibrary } from "./code.js";
import type { ExportFacts, LibraryFacts } from "./code.js";

export interface LoadedLibrary {
  /** The DT_NEEDED name, e.g. libc.so.6. */
  name: string;
  /** Path inside the sysroot, as ld.so would load it (e.g. /lib/x86_64-linux-gnu/libc.so.6). */
  path: string;
  elf: ElfFile;
  facts: LibraryFacts | undefined;
  /** Exported names, for binding. */
  exportNames: ReadonlySet<string>;
}

export interface LibrarySet {
  /** In load order (breadth-first from the program, as ld.so searches symbols). */
  libraries: LoadedLibrary[];
  /** DT_NEEDED names not found in the sysroot. */
  missing: string[];
}

/**
 * Cache entries are keyed by the library's content and by the analysis code itself (these compiled modules), so a
 * new unifit never reuses facts an older analysis produced.
 */
let analysisHash: string | undefined;
function factsFormat(): string {
  if (analysisHash === undefined) {
    const h = createHash("sha256");
    for (const rel of ["../disasm/x86.js", "./code.js", "./libraries.js", "../elf/read-elf.js", "../elf/symbols.js", "../util/sorted.js"]) {
      try {
        h.update(readFileSync(fileURLToPath(new URL(rel, import.meta.url))));
      } catch {
        h.update(rel);
      }
    }
    analysisHash = h.digest("hex").slice(0, 12);
  }
  return analysisHash;
}
const factsCache = new Map<string, { elf: ElfFile; facts: LibraryFacts | undefined }>();
const confCache = new Map<string, string[]>();

const TRIPLET: Record<Arch, string> = { x86_64: "x86_64-linux-gnu", aarch64: "aarch64-linux-gnu" };

function defaultDirs(arch: Arch): string[] {
  const t = TRIPLET[arch];
  return [`/lib/${t}`, `/usr/lib/${t}`, "/lib", "/usr/lib", "/lib64", "/usr/lib64"];
}

/** Directories listed by <sysroot>/etc/ld.so.conf, following `include` globs one level deep. */
function ldSoConf(sysroot: string): string[] {
  const cached = confCache.get(sysroot);
  if (cached !== undefined) return cached;
  const dirs: string[] = [];
  const readConf = (file: string, depth: number): void => {
    let text: string;
    try {
      text = readFileSync(join(sysroot, file), "utf8");
    } catch {
      return;
    }
    for (const raw of text.split("\n")) {
      const line = raw.replace(/#.*/, "").trim();
      if (line === "") continue;
      const inc = /^include\s+(.+)$/.exec(line);
      if (inc !== null) {
        if (depth > 2) continue;
        const pattern = inc[1] as string;
        const dir = posix.dirname(pattern);
        const base = posix.basename(pattern);
        const re = new RegExp(`^${base.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
        let names: string[] = [];
        try {
          names = readdirSync(join(sysroot, dir)).filter((n) => re.test(n)).sort();
        } catch {
          names = [];
        }
        for (const n of names) readConf(posix.join(dir, n), depth + 1);
      } else if (line.startsWith("/")) dirs.push(line);
    }
  };
  readConf("/etc/ld.so.conf", 0);
  confCache.set(sysroot, dirs);
  return dirs;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function expandOrigin(dir: string, originDir: string): string {
  return dir.replace(/\$\{ORIGIN\}|\$ORIGIN/g, originDir);
}

/** Reads (or recalls) a library's ELF and its per-export facts, keyed by content hash. */
/** LibraryFacts as plain JSON (the exports map as entries), so reading it needs no reviver. */
interface StoredFacts extends Omit<LibraryFacts, "exports"> {
  exportEntries: [string, ExportFacts][];
}

function toDisk(f: LibraryFacts): StoredFacts {
  const { exports, ...rest } = f;
  return { ...rest, exportEntries: [...exports.entries()] };
}

function fromDisk(s: StoredFacts | undefined): LibraryFacts | undefined {
  if (s === undefined || !Array.isArray(s.exportEntries)) return undefined;
  const { exportEntries, ...rest } = s;
  return { ...rest, exports: new Map(exportEntries) };
}

/** Same path, size and mtime within one process: the same library, without reading and hashing it again. */
const byPath = new Map<string, { size: number; mtimeMs: number; entry: { elf: ElfFile; facts: LibraryFacts | undefined } }>();

function loadFacts(hostPath: string, arch: Arch): { elf: ElfFile; facts: LibraryFacts | undefined } | undefined {
  let st;
  try {
    st = statSync(hostPath);
  } catch {
    return undefined;
  }
  const known = byPath.get(`${arch}:${hostPath}`);
  if (known !== undefined && known.size === st.size && known.mtimeMs === st.mtimeMs) return known.entry;
  const entry = loadFactsByContent(hostPath, arch);
  if (entry !== undefined) byPath.set(`${arch}:${hostPath}`, { size: st.size, mtimeMs: st.mtimeMs, entry });
  return entry;
}

function loadFactsByContent(hostPath: string, arch: Arch): { elf: ElfFile; facts: LibraryFacts | undefined } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(hostPath);
  } catch {
    return undefined;
  }
  const key = `${arch}:${createHash("sha256").update(bytes).digest("hex")}`;
  const cached = factsCache.get(key);
  if (cached !== undefined) return cached;
  let elf: ElfFile;
  try {
    elf = readElf(bytes);
  } catch {
    return undefined;
  }
  // The per-export facts are kept on disk too, by content hash: a whole tree, and later runs, analyse each library once.
  const diskKey = `${factsFormat()}-${key.replace(":", "-")}`;
  let facts = fromDisk(readCachedJson<StoredFacts>("lib", diskKey, { revive: false }));
  if (facts === undefined && elf.machine === arch) {
    facts = analyzeLibrary(elf, bytes, arch);
    if (facts !== undefined) writeCachedJson("lib", diskKey, toDisk(facts));
  }
  const entry = { elf, facts };
  factsCache.set(key, entry);
  return entry;
}

/**
 * Finds the program's libraries inside `sysroot`, breadth-first. `programPath` is the program's path inside the
 * sysroot (for $ORIGIN); a library whose class or machine differs from the program's is skipped, as ld.so does.
 */
export function loadLibraries(program: ElfFile, programPath: string, arch: Arch, sysroot: string): LibrarySet {
  const libraries: LoadedLibrary[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  const queue: { name: string; from: ElfFile; fromPath: string }[] = program.needed.map((name) => ({ name, from: program, fromPath: programPath }));
  const conf = ldSoConf(sysroot);
  while (queue.length > 0) {
    const { name, from, fromPath } = queue.shift() as { name: string; from: ElfFile; fromPath: string };
    if (seen.has(name)) continue;
    seen.add(name);
    const origin = posix.dirname(fromPath);
    const candidates: string[] = [];
    if (name.includes("/")) candidates.push(name.startsWith("/") ? name : posix.join(origin, name));
    else {
      // DT_RPATH is used only when there is no DT_RUNPATH (ld.so's rule); both expand $ORIGIN.
      const search = [
        ...(from.runpath.length === 0 ? from.rpath : []),
        ...from.runpath,
        ...conf,
        ...defaultDirs(arch),
      ].map((d) => expandOrigin(d, origin));
      for (const d of search) candidates.push(posix.join(d, name));
    }
    let found: LoadedLibrary | undefined;
    for (const c of candidates) {
      const host = join(sysroot, c);
      if (!isFile(host)) continue;
      const loaded = loadFacts(host, arch);
      if (loaded === undefined || loaded.elf.machine !== program.machine || loaded.elf.bits !== program.bits) continue;
      found = {
        name,
        path: c,
        elf: loaded.elf,
        facts: loaded.facts,
        exportNames: new Set(loaded.elf.exports.map((e) => e.name)),
      };
      break;
    }
    if (found === undefined) {
      missing.push(name);
      continue;
    }
    libraries.push(found);
    for (const n of found.elf.needed) queue.push({ name: n, from: found.elf, fromPath: found.path });
  }
  return { libraries, missing: missing.sort() };
}

/** The library that provides `name` (with `library` from the version requirement when the binary says). */
export function bindImport(set: LibrarySet, name: string, library: string | undefined): LoadedLibrary | undefined {
  if (library !== undefined) {
    const lib = set.libraries.find((l) => l.name === library || l.elf.soname === library);
    if (lib !== undefined && lib.exportNames.has(name)) return lib;
  }
  return set.libraries.find((l) => l.exportNames.has(name));
}

export interface FollowedFunction {
  /** Syscall numbers reached through direct calls, across libraries. */
  direct: Set<number>;
  /** Reached only through fatal-error functions. */
  errorPath: Set<number>;
  /** Whether an indirect call is reachable somewhere on the way. */
  indirect: boolean;
  /** The libraries whose code was read. */
  libraries: Set<string>;
}

/**
 * Follows an exported function through its library and, through the imports it reaches, into the libraries those
 * bind to. Memoised per (library, function) for one program; cycles end at the first visit.
 */
/** Followed functions by library set (programs that load the same libraries share them) and function. */
const followMemo = new Map<string, Map<string, FollowedFunction>>();

export function makeFollower(set: LibrarySet): (lib: LoadedLibrary, fn: string) => FollowedFunction | undefined {
  const setKey = set.libraries.map((l) => l.path).join("\u0000");
  let memo = followMemo.get(setKey);
  if (memo === undefined) {
    if (followMemo.size > 256) followMemo.clear(); // bounded: a tree with many library sets recomputes
    followMemo.set(setKey, (memo = new Map()));
  }
  // Functions that import each other across libraries form cycles; each strongly connected group is solved as a whole
  // (Tarjan, iterative) and every member remembered with the complete result, so what a function reaches never
  // depends on which program, or which import, asked first.
  type Node = { key: string; lib: LoadedLibrary; facts: ExportFacts; succ: string[] };
  const nodes = new Map<string, Node>();
  const node = (lib: LoadedLibrary, fn: string): Node | undefined => {
    const key = `${lib.path}\u0000${fn}`;
    const known = nodes.get(key);
    if (known !== undefined) return known;
    const facts = lib.facts?.exports.get(fn);
    if (facts === undefined) return undefined;
    const n: Node = { key, lib, facts, succ: [] };
    nodes.set(key, n);
    const names = lib.facts?.importNames ?? [];
    for (const i of facts.imports) {
      const imp = names[i];
      if (imp === undefined) continue;
      const target = bindImport(set, imp, undefined);
      if (target === undefined || (target === lib && imp === fn)) continue;
      const t = node(target, imp);
      if (t !== undefined) n.succ.push(t.key);
    }
    return n;
  };
  const follow = (lib: LoadedLibrary, fn: string): FollowedFunction | undefined => {
    const rootKey = `${lib.path}\u0000${fn}`;
    const m = memo.get(rootKey);
    if (m !== undefined) return m;
    if (node(lib, fn) === undefined) return undefined;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const frames: { key: string; i: number }[] = [{ key: rootKey, i: 0 }];
    let counter = 0;
    index.set(rootKey, counter);
    low.set(rootKey, counter++);
    stack.push(rootKey);
    onStack.add(rootKey);
    while (frames.length > 0) {
      const top = frames[frames.length - 1] as { key: string; i: number };
      const n = nodes.get(top.key) as Node;
      if (top.i < n.succ.length) {
        const s = n.succ[top.i++] as string;
        if (memo.has(s)) continue;
        if (!index.has(s)) {
          index.set(s, counter);
          low.set(s, counter++);
          stack.push(s);
          onStack.add(s);
          frames.push({ key: s, i: 0 });
        } else if (onStack.has(s)) low.set(top.key, Math.min(low.get(top.key) as number, index.get(s) as number));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) low.set(parent.key, Math.min(low.get(parent.key) as number, low.get(top.key) as number));
      if (low.get(top.key) !== index.get(top.key)) continue;
      const members: string[] = [];
      let k: string;
      do {
        k = stack.pop() as string;
        onStack.delete(k);
        members.push(k);
      } while (k !== top.key);
      const out: FollowedFunction = { direct: new Set(), errorPath: new Set(), indirect: false, libraries: new Set() };
      const inGroup = new Set(members);
      for (const key of members) {
        const mn = nodes.get(key) as Node;
        for (const x of mn.facts.direct) out.direct.add(x);
        for (const x of mn.facts.errorPath) out.errorPath.add(x);
        if (mn.facts.indirect) out.indirect = true;
        out.libraries.add(mn.lib.path);
        for (const s of mn.succ) {
          if (inGroup.has(s)) continue;
          const r = memo.get(s) as FollowedFunction;
          for (const x of r.direct) out.direct.add(x);
          for (const x of r.errorPath) out.errorPath.add(x);
          if (r.indirect) out.indirect = true;
          for (const l of r.libraries) out.libraries.add(l);
        }
      }
      for (const x of out.direct) out.errorPath.delete(x);
      for (const key of members) memo.set(key, out);
    }
    return memo.get(rootKey);
  };
  return follow;
}

/** The program's own path inside the sysroot, for $ORIGIN: the scanned path when it lies under the sysroot. */
export function pathInSysroot(hostPath: string, sysroot: string): string {
  const abs = posix.resolve(hostPath);
  const root = posix.resolve(sysroot);
  if (root === "/") return abs;
  if (abs.startsWith(root + "/")) return abs.slice(root.length);
  return posix.join("/", posix.basename(dirname(abs)), posix.basename(abs));
}

export function sysrootExists(sysroot: string): boolean {
  return existsSync(sysroot);
}
