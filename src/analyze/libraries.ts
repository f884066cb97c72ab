// @fileoverview Shared libraries of a dynamic program: finds each DT_NEEDED inside a sysroot the way ld.so does
// (RPATH, RUNPATH with $ORIGIN, ld.so.conf, default directories; transitive, cycle-safe), binds imports to the
// library that defines them, and follows each bound function through that library's own code analysis.
// Library facts are cached by content hash, so a whole tree analyses each library once.

import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { codeKey } from "../cache/code-key.js";
import { makeOnce, readCachedJson, readCachedText, writeCachedJson, writeCachedText } from "../cache/store.js";
import { readElf } from "../elf/index.js";
import type { ElfFile } from "../elf/types.js";
import type { FileView } from "../input/view.js";
import type { Arch } from "../types.js";
import { analyzeLibrary } from "./code.js";
import type { ExportFacts, LibraryFacts } from "./code.js";
import { Tarjan } from "../util/scc.js";
import { readSmallText } from "../util/small-file.js";

export interface LoadedLibrary {
  /** The DT_NEEDED name, e.g. libc.so.6. */
  name: string;
  /** Path inside the sysroot, as ld.so would load it (e.g. /lib/x86_64-linux-gnu/libc.so.6). */
  path: string;
  elf: LibraryElf;
  facts: LibraryFacts | undefined;
  /** Exported names, for binding. */
  exportNames: ReadonlySet<string>;
  /** This path with this content, within the process: what a followed function's result depends on. */
  id: string;
}

/** What library search and binding need of a library's ELF (kept with its facts in the cache, so a warm run does
 * not parse the library again). */
export type LibraryElf = Pick<ElfFile, "machine" | "bits" | "soname" | "needed" | "rpath" | "runpath">;

export interface LibrarySet {
  /** In load order (breadth-first from the program, as ld.so searches symbols). */
  libraries: LoadedLibrary[];
  /** DT_NEEDED names not found in the sysroot. */
  missing: string[];
  /** Where each name binds in this set (filled as names are looked up). */
  bound?: Map<string, LoadedLibrary | null>;
}

/** The stored shape of LibraryFacts; changed whenever StoredFacts changes (6: per-export pointer sets). */
const FACTS_VERSION = 6;

/**
 * Cache entries are keyed by the library's content and by the analysis code itself: every compiled module this one
 * imports, followed through their imports (codeKey), so a fix anywhere in the ELF reader, the disassemblers or the
 * code analysis never serves facts an older analysis produced.
 */
export function factsFormat(): string {
  return createHash("sha256").update(`facts-v${FACTS_VERSION}\u0000${codeKey([import.meta.url])}`).digest("hex").slice(0, 12);
}

/**
 * What a session keeps between files by default, in estimated bytes (see LibrarySession.bytes). Measured on this
 * machine's /usr/bin (603 programs, 230 libraries, warm cache): unbounded, each worker's session grew to 400-500 MB
 * of heap; what it saves is about a third of the CPU time against keeping nothing (22.5 s against 32.0 s on a
 * quarter of /usr/bin), and most of that saving is kept within this bound. Whole /usr/bin, -j2: 64 MB peaked at
 * 652-700 MB RSS, 32 MB at 601 MB for the same CPU time, 16 MB at 617 MB and 28% more CPU time.
 */
export const SESSION_MAX_BYTES = 32 * 1024 * 1024;

/**
 * Estimated heap bytes per unit, for the session's accounting: per byte of a library's stored facts (its JSON text;
 * the objects read from it take about 2.3 times that, measured), per map entry of a follower or result, per number
 * of a set. Estimates, not measures: what the bound needs is that they grow as the heap does.
 */
const BYTES_PER_STORED_BYTE = 2.5;
const BYTES_PER_ENTRY = 64;
const BYTES_PER_RESULT = 256;

/**
 * Everything the library analysis remembers between the programs of a scan, in one object passed in (as ESLint's
 * Linter instance is): library entries, the memos of the library search, the on-disk path index, and the functions
 * followed through libraries with the followers that share them. Whoever runs a scan makes one (a worker thread for
 * its lifetime, an image scan, a scanPaths call) and hands it to each file's analysis; results never depend on what
 * it holds (a fresh session gives the same bytes, more slowly). What it holds is bounded by bytes (`maxBytes`,
 * estimated): between files, trim() drops the followed results and the libraries used longest ago, whose facts the
 * cache on disk serves again (or the analysis makes again without one); release() drops everything.
 */
export class LibrarySession {
  constructor(
    /** Estimated bytes kept between files (see trim). */
    readonly maxBytes: number = SESSION_MAX_BYTES,
  ) {}
  /** Estimated heap bytes of the library entries held (facts, exported names). */
  factsBytes = 0;
  /** Estimated heap bytes of the followed results and of the followers' memos. */
  followedBytes = 0;
  /** Estimated heap bytes held: what trim() bounds. */
  get bytes(): number {
    return this.factsBytes + this.followedBytes;
  }
  #factsKey: string | undefined;
  /** The key of this analysis's library facts on disk (the stored shape and the analysis code, see factsFormat). */
  get factsKey(): string {
    return (this.#factsKey ??= factsFormat());
  }
  /** Libraries read, by `${arch}:${content hash}:${libc map key}`, in the order they were last used (oldest first). */
  readonly facts = new Map<string, LibraryEntry>();
  /**
   * The serial of each library content met in this session, kept when its entry is dropped: a library read again
   * after trim() gets the same id, so the results followed through it stay valid.
   */
  readonly serialOf = new Map<string, number>();
  /** ld.so.conf directories by sysroot. */
  readonly conf = new Map<string, string[]>();
  /** Candidate paths already looked at: most programs search the same few directories. */
  readonly isFile = new Map<string, boolean>();
  /** Same path, size and mtime: the same library, without reading and hashing it again. */
  readonly byPath = new Map<string, { size: number; mtimeMs: number; key: string }>();
  /** Distinct per entry read in this session (part of each LoadedLibrary's id). */
  serials = 0;
  /** Content hashes of library files by path and file identity, as kept on disk (read on first use). */
  pathIndex: Map<string, [string, string]> | undefined;
  pathIndexChanged = false;
  /** Results by library id and function, a few variants each (different bindings); bounded by MAX_FOLLOWED and by bytes. */
  readonly followed = new Map<string, Followed[]>();
  followedCount = 0;
  /** The key string of each (library id, function), made once: the maps above are looked up millions of times. */
  readonly keys = new Map<string, Map<string, string>>();
  /** Followers by library set (see makeFollower); bounded by MAX_FOLLOWERS. */
  readonly followers = new Map<string, Follower>();
  /**
   * Results, tables of syscall numbers and import bindings by content (and order), shared by every function that
   * has the same ones: on a quarter of /usr/bin, 25,144 results held 1,388 distinct contents.
   */
  readonly shared = new Map<string, unknown>();

  /**
   * Between files: when the session holds more than maxBytes, the followed results and the followers go (they are
   * worked out again from the facts), then the libraries used longest ago until half the bound is left. Never
   * during a file's analysis: a follower at work relies on the results it has met.
   */
  trim(): void {
    if (this.bytes <= this.maxBytes) return;
    this.dropFollowed();
    for (const [key, entry] of this.facts) {
      if (this.factsBytes <= this.maxBytes / 2) break;
      this.facts.delete(key);
      this.factsBytes -= entry.bytes;
    }
    // A path that names a library dropped finds it again by its content hash (the path index).
    for (const [path, known] of this.byPath) if (!this.facts.has(known.key)) this.byPath.delete(path);
  }

  private dropFollowed(): void {
    this.followed.clear();
    this.followedCount = 0;
    this.keys.clear();
    this.followers.clear();
    this.shared.clear();
    this.followedBytes = 0;
  }

  /**
   * Drops what this session remembers of libraries: results do not change, since the facts are kept on disk by
   * content (or made again without a cache). A long scan (a whole image) calls it when its memory passes a bound,
   * so that memory follows the files in flight rather than every library met so far.
   */
  release(): void {
    this.facts.clear();
    this.factsBytes = 0;
    this.byPath.clear();
    this.isFile.clear();
    this.conf.clear();
    this.dropFollowed();
  }
}

/**
 * The curated libc maps' usual paths, by the soname of the libc they describe (libc.so.6, libc.musl-x86_64.so.1):
 * function name → the syscall numbers it makes in normal use (see analyzeLibrary). `key` identifies the content, and
 * is part of every cache key, so facts made with another map are never reused.
 */
export interface LibcUsual {
  key: string;
  bySoname: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<number>>>;
}
const NO_USUAL: LibcUsual = { key: "none", bySoname: new Map() };

const TRIPLET: Record<Arch, string> = { x86_64: "x86_64-linux-gnu", aarch64: "aarch64-linux-gnu" };

function defaultDirs(arch: Arch): string[] {
  const t = TRIPLET[arch];
  return [`/lib/${t}`, `/usr/lib/${t}`, "/lib", "/usr/lib", "/lib64", "/usr/lib64"];
}

/** Where libraries are looked for: a host directory (read as it is), or a file view (an image's file system). */
export type LibraryRoot = string | FileView;

/** Directories listed by <sysroot>/etc/ld.so.conf, following `include` globs one level deep. */
function ldSoConf(session: LibrarySession, root: LibraryRoot): string[] {
  const sysroot = typeof root === "string" ? root : `\u0000view:${root.id}`;
  const readText = (file: string): string => {
    if (typeof root === "string") {
      const text = readSmallText(join(root, file));
      if (text === undefined) throw new Error("not a small regular file");
      return text;
    }
    const b = root.readFile(file);
    if (b === undefined) throw new Error("no such file");
    return b.toString("utf8");
  };
  const list = (dir: string): string[] => (typeof root === "string" ? readdirSync(join(root, dir)) : (root.readdir(dir) ?? []));
  const cached = session.conf.get(sysroot);
  if (cached !== undefined) return cached;
  const dirs: string[] = [];
  const readConf = (file: string, depth: number): void => {
    let text: string;
    try {
      text = readText(file);
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
          names = list(dir).filter((n) => re.test(n)).sort();
        } catch {
          names = [];
        }
        for (const n of names) readConf(posix.join(dir, n), depth + 1);
      } else if (line.startsWith("/")) dirs.push(line);
    }
  };
  readConf("/etc/ld.so.conf", 0);
  session.conf.set(sysroot, dirs);
  return dirs;
}

/**
 * musl's dynamic loader, when the program names one as its interpreter (`ld-musl-<arch>.so.1`): the interpreter's
 * path, and the directories it searches after the rpaths. Those come from `<prefix>/etc/ld-musl-<arch>.path`, where
 * the prefix is the interpreter's path without its last two components (so /etc/ for /lib/ld-musl-x86_64.so.1),
 * split at colons and newlines; without that file, /lib:/usr/local/lib:/usr/lib. See musl ldso/dynlink.c
 * (bminor/musl@86373b4) load_library, lines 1117-1161, and path_open, line 877.
 */
function muslLoader(interp: string | undefined, root: LibraryRoot): { interp: string; dirs: string[] } | undefined {
  const m = interp === undefined ? null : /^(.*)\/[^/]*\/ld-musl-([^/]+)\.so\.1$/.exec(interp);
  if (m === null || interp === undefined) return undefined;
  const file = `${m[1] as string}/etc/ld-musl-${m[2] as string}.path`;
  const text = typeof root === "string" ? readSmallText(join(root, file)) : root.readFile(file)?.toString("utf8");
  const dirs = (text ?? "/lib:/usr/local/lib:/usr/lib").split(/[:\n]/).filter((d) => d !== "");
  return { interp, dirs };
}

/**
 * Names musl's loader answers with itself (libc, libpthread, librt, libm, libdl, libutil, libxnet: its `reserved`
 * list in load_library, ldso/dynlink.c line 1072): they are all in the one libc.so.
 */
const muslReserved = (name: string): boolean => /^lib(c|pthread|rt|m|dl|util|xnet)\./.test(name);

function isFile(session: LibrarySession, p: string): boolean {
  const isFileMemo = session.isFile;
  let known = isFileMemo.get(p);
  if (known === undefined) {
    try {
      known = statSync(p).isFile();
    } catch {
      known = false;
    }
    if (isFileMemo.size > 100_000) isFileMemo.clear();
    isFileMemo.set(p, known);
  }
  return known;
}

function expandOrigin(dir: string, originDir: string): string {
  return dir.replace(/\$\{ORIGIN\}|\$ORIGIN/g, originDir);
}

/**
 * LibraryFacts as plain JSON, compact: each export is a tuple [name, direct, errorPath, indirect (0/1), imports,
 * unresolved, pointer, pointerImports], where each list is an index into `lists`, which holds every distinct list
 * once (a library of 7,000 exports has a few hundred distinct syscall sets and import lists). Reading it needs no
 * reviver.
 */
interface StoredFacts extends Omit<LibraryFacts, "exports"> {
  lists: number[][];
  /** [name, direct, errorPath, indirect, imports, unresolved, pointer, pointerImports, rare?] */
  exportTuples: [string, number, number, 0 | 1, number, number, number, number, number?][];
  elf: LibraryElf;
  exportNames: string[];
}

/** What library search and binding need of a library's ELF. */
function summary(elf: ElfFile): LibraryElf {
  const info: LibraryElf = { machine: elf.machine, bits: elf.bits, needed: elf.needed, rpath: elf.rpath, runpath: elf.runpath };
  if (elf.soname !== undefined) info.soname = elf.soname;
  return info;
}

function toDisk(f: LibraryFacts, elf: ElfFile): StoredFacts {
  const { exports, ...rest } = f;
  const lists: number[][] = [];
  const index = new Map<string, number>();
  const intern = (l: number[]): number => {
    const key = l.join(",");
    let i = index.get(key);
    if (i === undefined) {
      i = lists.length;
      lists.push(l);
      index.set(key, i);
    }
    return i;
  };
  const exportTuples: StoredFacts["exportTuples"] = [...exports].map(([name, x]) => {
    const t: StoredFacts["exportTuples"][number] = [
      name,
      intern(x.direct),
      intern(x.errorPath),
      x.indirect ? 1 : 0,
      intern(x.imports),
      x.unresolved,
      intern(x.pointer),
      intern(x.pointerImports),
    ];
    if (x.rare !== undefined) t.push(intern(x.rare));
    return t;
  });
  return { ...rest, lists, exportTuples, elf: summary(elf), exportNames: elf.exports.map((e) => e.name) };
}

function fromDisk(s: StoredFacts | undefined): { facts: LibraryFacts; elf: LibraryElf; exportNames: string[] } | undefined {
  if (s === undefined || !Array.isArray(s.exportTuples) || !Array.isArray(s.lists) || typeof s.elf !== "object" || !Array.isArray(s.exportNames)) {
    return undefined;
  }
  const { exportTuples, lists, elf, exportNames, ...rest } = s;
  const list = (i: number): number[] => lists[i] ?? [];
  const exports = new Map<string, ExportFacts>();
  for (const t of exportTuples) {
    // An entry of an older shape (no pointer sets) is not reused: the library is analysed again.
    if (!Array.isArray(t) || (t.length !== 8 && t.length !== 9)) return undefined;
    const [name, direct, errorPath, indirect, imports, unresolved, pointer, pointerImports, rare] = t;
    const x: ExportFacts = {
      direct: list(direct),
      errorPath: list(errorPath),
      indirect: indirect === 1,
      imports: list(imports),
      unresolved,
      pointer: list(pointer),
      pointerImports: list(pointerImports),
    };
    if (rare !== undefined) x.rare = list(rare);
    exports.set(name, x);
  }
  return { facts: { ...rest, exports }, elf, exportNames };
}

/**
 * A library read once: its ELF summary, its exported names and its facts. The facts (the code analysis) are made
 * the first time they are asked for: a library that no followed function calls into (a codec that a media library
 * links, the program never reaching it) costs only its ELF header and symbols.
 */
interface LibraryEntry {
  elf: LibraryElf;
  readonly facts: LibraryFacts | undefined;
  exportNames: ReadonlySet<string>;
  /** Distinct per library content in its session. */
  serial: number;
  /** Estimated heap bytes (counted in LibrarySession.factsBytes). */
  bytes: number;
}

/** What the content route needs of a library file: a name for the path index, a reader, and what is known of it. */
interface LibrarySource {
  /** Key of the path index (host path); undefined: not indexed (a view's file, whose hash the view knows). */
  indexKey?: string;
  identity: string;
  read: () => Buffer | undefined;
  hash?: string;
}

/** A library inside a file view: read through the view, hashed by the view when it knows the hash. */
function loadFactsInView(session: LibrarySession, view: FileView, path: string, arch: Arch, usual: LibcUsual): LibraryEntry | undefined {
  const src: LibrarySource = { identity: "", read: () => view.readFile(path) };
  const hash = view.contentHash?.(path);
  if (hash !== undefined) src.hash = hash;
  return loadFactsByContent(session, src, arch, usual)?.entry;
}

function loadFacts(session: LibrarySession, hostPath: string, arch: Arch, usual: LibcUsual): LibraryEntry | undefined {
  let st;
  try {
    st = statSync(hostPath);
  } catch {
    return undefined;
  }
  const known = session.byPath.get(`${arch}:${usual.key}:${hostPath}`);
  if (known !== undefined && known.size === st.size && known.mtimeMs === st.mtimeMs) {
    const entry = used(session, known.key);
    if (entry !== undefined) return entry;
  }
  const read = (): Buffer | undefined => {
    try {
      return readFileSync(hostPath);
    } catch {
      return undefined;
    }
  };
  const found = loadFactsByContent(session, { indexKey: hostPath, identity: `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`, read }, arch, usual);
  if (found !== undefined) session.byPath.set(`${arch}:${usual.key}:${hostPath}`, { size: st.size, mtimeMs: st.mtimeMs, key: found.key });
  return found?.entry;
}

/**
 * Content hashes of library files by path and file identity (device, inode, size, modification and change times),
 * kept in the cache as git keeps its index: a later run finds a library's facts without reading and hashing it.
 */
function indexedHash(session: LibrarySession, hostPath: string, identity: string): string | undefined {
  if (session.pathIndex === undefined) {
    const stored = readCachedJson<unknown>("paths", "index", { revive: false });
    // Entries of any other shape (a damaged or foreign file) are ignored: the index only saves work.
    const ok = (e: unknown): e is [string, [string, string]] =>
      Array.isArray(e) && typeof e[0] === "string" && Array.isArray(e[1]) && typeof e[1][0] === "string" && typeof e[1][1] === "string";
    session.pathIndex = new Map(Array.isArray(stored) ? stored.filter(ok) : []);
  }
  const e = session.pathIndex.get(hostPath);
  return e !== undefined && e[0] === identity ? e[1] : undefined;
}
function rememberHash(session: LibrarySession, hostPath: string, identity: string, hash: string): void {
  const pathIndex = (session.pathIndex ??= new Map());
  pathIndex.set(hostPath, [identity, hash]);
  if (pathIndex.size > 20_000) pathIndex.clear();
  session.pathIndexChanged = true;
}
/** Writes the path index when it changed: once per program's library search, not once per library hashed. */
function savePathIndex(session: LibrarySession): void {
  if (!session.pathIndexChanged || session.pathIndex === undefined) return;
  session.pathIndexChanged = false;
  writeCachedJson("paths", "index", [...session.pathIndex]);
}

/** The session's entry for a library content, marked as the one used last (trim drops the others first). */
function used(session: LibrarySession, key: string): LibraryEntry | undefined {
  const entry = session.facts.get(key);
  if (entry !== undefined) {
    session.facts.delete(key);
    session.facts.set(key, entry);
  }
  return entry;
}

/** The stored facts of a library, and the length of their text (what the session's accounting starts from). */
function readStored(diskKey: string): { stored: ReturnType<typeof fromDisk>; length: number } {
  const text = readCachedText("lib", diskKey);
  if (text === undefined) return { stored: undefined, length: 0 };
  try {
    return { stored: fromDisk(JSON.parse(text) as StoredFacts), length: text.length };
  } catch {
    return { stored: undefined, length: 0 };
  }
}

function loadFactsByContent(session: LibrarySession, src: LibrarySource, arch: Arch, usual: LibcUsual): { entry: LibraryEntry; key: string } | undefined {
  let bytes: Buffer | undefined;
  let hash = src.hash ?? (src.indexKey !== undefined ? indexedHash(session, src.indexKey, src.identity) : undefined);
  const readAndHash = (): boolean => {
    bytes = src.read();
    if (bytes === undefined) return false;
    hash = createHash("sha256").update(bytes).digest("hex");
    if (src.indexKey !== undefined) rememberHash(session, src.indexKey, src.identity, hash);
    return true;
  };
  if (hash === undefined && !readAndHash()) return undefined;
  let key = `${arch}:${hash}:${usual.key}`;
  const cached = used(session, key);
  if (cached !== undefined) return { entry: cached, key };
  // The per-export facts are kept on disk too, by content hash: a whole tree, and later runs, analyse each library once.
  let diskKey = `${session.factsKey}-${key.replaceAll(":", "-")}`;
  let { stored, length } = readStored(diskKey);
  if (stored === undefined && bytes === undefined) {
    // Not analysed yet: read it (and hash it again, rather than trust the index on the way to an analysis).
    if (!readAndHash()) return undefined;
    key = `${arch}:${hash}:${usual.key}`;
    const again = used(session, key);
    if (again !== undefined) return { entry: again, key };
    diskKey = `${session.factsKey}-${key.replaceAll(":", "-")}`;
    ({ stored, length } = readStored(diskKey));
  }
  let serial = session.serialOf.get(key);
  if (serial === undefined) session.serialOf.set(key, (serial = ++session.serials));
  let entry: LibraryEntry;
  if (stored !== undefined) {
    entry = { elf: stored.elf, facts: stored.facts, exportNames: new Set(stored.exportNames), serial, bytes: Math.round(length * BYTES_PER_STORED_BYTE) };
  } else {
    const image = bytes; // read above whenever nothing was stored
    if (image === undefined) return undefined;
    let elf: ElfFile;
    try {
      elf = readElf(image);
    } catch {
      return undefined;
    }
    let facts: LibraryFacts | undefined | null = elf.machine === arch ? null : undefined; // null: not made yet
    const contentKey = key;
    const made: LibraryEntry = {
      elf: summary(elf),
      exportNames: new Set(elf.exports.map((e) => e.name)),
      serial,
      // The names until the facts are made (each about as long as its JSON with the set's entry).
      bytes: elf.exports.length * BYTES_PER_ENTRY,
      get facts(): LibraryFacts | undefined {
        if (facts === null) {
          const r = analyzeNow(src.read, arch, contentKey, diskKey, usual);
          facts = r?.facts;
          const bytes = Math.round((r?.length ?? 0) * BYTES_PER_STORED_BYTE);
          // Counted while the session still holds the entry (trim may have dropped it since it was found).
          if (session.facts.get(contentKey) === made) session.factsBytes += bytes - made.bytes;
          made.bytes = bytes;
        }
        return facts;
      },
    };
    entry = made;
  }
  // The entry's getter shares this call's closure context, which holds the bytes read: let them go (the facts are
  // made from a fresh read). Kept, a cold scan held each library's file beside its facts (69 libraries of one GTK
  // program: 28 MB of buffers until the entry was trimmed).
  bytes = undefined;
  session.facts.set(key, entry);
  session.factsBytes += entry.bytes;
  return { entry, key };
}

/**
 * The facts of a library asked for the first time: read again (the same content, or nothing), analysed, stored.
 * Threads and processes scanning at the same time analyse each library once: the others wait for its cache entry.
 */
function analyzeNow(readBytes: () => Buffer | undefined, arch: Arch, contentKey: string, diskKey: string, usual: LibcUsual): { facts: LibraryFacts; length: number } | undefined {
  const read = (): { facts: LibraryFacts; length: number } | undefined => {
    const { stored, length } = readStored(diskKey);
    return stored === undefined ? undefined : { facts: stored.facts, length };
  };
  return makeOnce<{ facts: LibraryFacts; length: number } | null>("lib", diskKey, read, () => analyzeFile(readBytes, arch, contentKey, diskKey, usual) ?? null) ?? undefined;
}

/**
 * Reads the library again to analyse it (the same content, or nothing). Keeping the bytes and parsed ELF from when
 * it was found saved no time here (19.7 s against 19.5 s on the corpus) and cost 60 MB: reading and parsing are
 * small next to the analysis.
 */
function analyzeFile(readBytes: () => Buffer | undefined, arch: Arch, contentKey: string, diskKey: string, usual: LibcUsual): { facts: LibraryFacts; length: number } | undefined {
  let bytes: Buffer | undefined;
  let elf: ElfFile;
  try {
    bytes = readBytes();
    if (bytes === undefined) return undefined;
    if (`${arch}:${createHash("sha256").update(bytes).digest("hex")}:${usual.key}` !== contentKey) return undefined; // changed since
    elf = readElf(bytes);
  } catch {
    return undefined;
  }
  const facts = analyzeLibrary(elf, bytes, arch, elf.soname !== undefined ? usual.bySoname.get(elf.soname) : undefined);
  if (facts === undefined) return undefined;
  const text = JSON.stringify(toDisk(facts, elf));
  writeCachedText("lib", diskKey, text);
  // Kept in the stored form, as a later run reads it: its lists are interned (one array for every equal list), and
  // the first run answers from what the cache will give. The 69 libraries of one GTK program: 32 MB live after a
  // collection, against 131 MB for the facts as the analysis made them.
  const stored = fromDisk(JSON.parse(text) as StoredFacts);
  return { facts: stored?.facts ?? facts, length: text.length };
}

/**
 * Finds the program's libraries inside `sysroot`, breadth-first. `programPath` is the program's path inside the
 * sysroot (for $ORIGIN); a library whose class or machine differs from the program's is skipped, as ld.so does.
 */
export function loadLibraries(
  session: LibrarySession,
  program: ElfFile,
  programPath: string,
  arch: Arch,
  sysroot: LibraryRoot,
  usual: LibcUsual = NO_USUAL,
): LibrarySet {
  const libraries: LoadedLibrary[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  type Wanted = { name: string; from: LibraryElf; fromPath: string; chain: string[] };
  const musl = muslLoader(program.interp, sysroot);
  const queue: Wanted[] = program.needed.map((name) => ({ name, from: program, fromPath: programPath, chain: [] }));
  const conf = musl === undefined ? ldSoConf(session, sysroot) : [];
  while (queue.length > 0) {
    const { name, from, fromPath, chain } = queue.shift() as Wanted;
    if (seen.has(name)) continue;
    seen.add(name);
    const origin = posix.dirname(fromPath);
    const candidates: string[] = [];
    // musl's rpath of an object: DT_RUNPATH when it has one, else DT_RPATH, with $ORIGIN expanded (decode_dyn).
    const ownRpath = (from.runpath.length > 0 ? from.runpath : from.rpath).map((d) => expandOrigin(d, origin));
    if (musl !== undefined && muslReserved(name)) candidates.push(musl.interp);
    else if (name.includes("/")) candidates.push(name.startsWith("/") ? name : posix.join(origin, name));
    else if (musl !== undefined) {
      // musl: the rpath of the object that needs the library, then of what needed that one, up to the program;
      // then the path file's directories (load_library in ldso/dynlink.c); never ld.so.conf.
      for (const d of [...ownRpath, ...chain, ...musl.dirs]) candidates.push(posix.join(d, name));
    } else {
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
      let loaded: LibraryEntry | undefined;
      if (typeof sysroot === "string") {
        const host = join(sysroot, c);
        if (!isFile(session, host)) continue;
        loaded = loadFacts(session, host, arch, usual);
      } else {
        if (!sysroot.isFile(c)) continue;
        loaded = loadFactsInView(session, sysroot, c, arch, usual);
      }
      if (loaded === undefined || loaded.elf.machine !== program.machine || loaded.elf.bits !== program.bits) continue;
      found = {
        name,
        path: c,
        elf: loaded.elf,
        get facts() {
          return loaded.facts;
        },
        exportNames: loaded.exportNames,
        id: `${c}\u0000${loaded.serial}`,
      };
      break;
    }
    if (found === undefined) {
      missing.push(name);
      continue;
    }
    libraries.push(found);
    for (const n of found.elf.needed) queue.push({ name: n, from: found.elf, fromPath: found.path, chain: [...ownRpath, ...chain] });
  }
  savePathIndex(session);
  return { libraries, missing: missing.sort() };
}

/** The library that provides `name` (with `library` from the version requirement when the binary says). */
export function bindImport(set: LibrarySet, name: string, library: string | undefined): LoadedLibrary | undefined {
  if (library !== undefined) {
    const lib = set.libraries.find((l) => l.name === library || l.elf.soname === library);
    if (lib !== undefined && lib.exportNames.has(name)) return lib;
  }
  const bound = (set.bound ??= new Map<string, LoadedLibrary | null>());
  let lib = bound.get(name);
  if (lib === undefined) {
    lib = set.libraries.find((l) => l.exportNames.has(name)) ?? null;
    bound.set(name, lib);
  }
  return lib ?? undefined;
}

export interface FollowedFunction {
  /** Syscall numbers reached through direct calls, across libraries. */
  direct: ReadonlySet<number>;
  /** Reached only through fatal-error functions. */
  errorPath: ReadonlySet<number>;
  /** Of `direct`, reached only on paths the curated libc map leaves out of the mapped libc functions on the way. */
  rare: ReadonlySet<number>;
  /** Whether an indirect call is reachable somewhere on the way. */
  indirect: boolean;
  /**
   * Reached only through a function pointer a library stores in its data (ExportFacts.pointer), here or in a
   * library reached on the way; disjoint from `direct` and `errorPath`.
   */
  pointer: ReadonlySet<number>;
}

/**
 * Follows an exported function through its library and, through the imports it reaches, into the libraries those
 * bind to. Functions that import each other across libraries form cycles; each strongly connected group is solved as
 * a whole (Tarjan, iterative) and every member remembered with the complete result, so what a function reaches never
 * depends on which program, or which import, asked first.
 *
 * A result depends only on where the imports met on the way bind. Each result keeps those bindings ("deps"), and
 * another program reuses it when its own libraries bind every one of them the same way: programs that share libc,
 * but not the rest of their libraries, share libc's results.
 */
interface Followed {
  result: FollowedFunction;
  /** What the tables referred to on the way lead to, whether or not an indirect call is reached (see solveGroup). */
  tables: ReadonlySet<number>;
  /** The group's own imports and the id of the library each bound to ("" when none): name, id, name, id, ... */
  own: readonly string[];
  /** The results of the groups it calls into. */
  children: Followed[];
}
/** Bound on LibrarySession.followed (results kept), and on its followers. */
const MAX_FOLLOWED = 200_000;
const MAX_FOLLOWERS = 256;

/**
 * The key of (library, function), one string per pair for the whole session: the maps below are looked up millions
 * of times, and a string made once is hashed once.
 */
function nodeKey(session: LibrarySession, libId: string, fn: string): string {
  const keys = session.keys;
  let byFn = keys.get(libId);
  if (byFn === undefined) {
    if (keys.size > 10_000) keys.clear();
    keys.set(libId, (byFn = new Map<string, string>()));
  }
  let k = byFn.get(fn);
  if (k === undefined) {
    byFn.set(fn, (k = `${libId}\u0000${fn}`));
    session.followedBytes += BYTES_PER_ENTRY + k.length;
  }
  return k;
}

type Follower = (lib: LoadedLibrary, fn: string) => FollowedFunction | undefined;

/**
 * The follower of a library set, shared in the session: where a name binds depends only on the set's libraries in
 * load order, so programs that load the same libraries (most of /usr/bin loads libc alone) share one follower and
 * all it has worked out.
 */
export function makeFollower(session: LibrarySession, set: LibrarySet): Follower {
  const signature = set.libraries.map((l) => l.id).join("\n");
  const followers = session.followers;
  let f = followers.get(signature);
  if (f === undefined) {
    if (followers.size >= MAX_FOLLOWERS) followers.clear();
    followers.set(signature, (f = newFollower(session, set)));
  }
  return f;
}

function newFollower(session: LibrarySession, set: LibrarySet): Follower {
  const followed = session.followed;
  const nodeKeyOf = (libId: string, fn: string): string => nodeKey(session, libId, fn);
  const boundId = (name: string): string => {
    const before = set.bound?.size ?? 0;
    const id = bindImport(set, name, undefined)?.id ?? "";
    if ((set.bound?.size ?? 0) !== before) session.followedBytes += BYTES_PER_ENTRY;
    return id;
  };
  /** Whether a result holds under this set's bindings: its own imports bind the same way, and so do its children's. */
  const valid = new Map<Followed, boolean>();
  const validate = (root: Followed): boolean => {
    const stack: { v: Followed; i: number }[] = [{ v: root, i: -1 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { v: Followed; i: number };
      if (valid.has(top.v)) {
        stack.pop();
        continue;
      }
      if (top.i === -1) {
        let ok = true;
        const own = top.v.own;
        for (let k = 0; k < own.length; k += 2) {
          if (boundId(own[k] as string) !== own[k + 1]) {
            ok = false;
            break;
          }
        }
        session.followedBytes += BYTES_PER_ENTRY;
        if (!ok) {
          valid.set(top.v, false);
          stack.pop();
          continue;
        }
        top.i = 0;
      }
      if (top.i < top.v.children.length) {
        const ch = top.v.children[top.i] as Followed;
        const st = valid.get(ch);
        if (st === undefined) stack.push({ v: ch, i: -1 });
        else if (!st) {
          valid.set(top.v, false);
          stack.pop();
        } else top.i++;
        continue;
      }
      valid.set(top.v, true);
      stack.pop();
    }
    return valid.get(root) === true;
  };
  /** The result for key valid under this set's bindings, if one is known. */
  const local = new Map<string, Followed>();
  const known = (key: string): Followed | undefined => {
    const hit = local.get(key);
    if (hit !== undefined) return hit;
    for (const v of followed.get(key) ?? []) {
      if (validate(v)) {
        local.set(key, v);
        session.followedBytes += BYTES_PER_ENTRY;
        return v;
      }
    }
    return undefined;
  };
  const remember = (key: string, v: Followed): void => {
    local.set(key, v);
    valid.set(v, true);
    session.followedBytes += BYTES_PER_RESULT;
    if (session.followedCount >= MAX_FOLLOWED) {
      followed.clear();
      session.followedCount = 0;
    }
    const list = followed.get(key);
    if (list === undefined) followed.set(key, [v]);
    else list.push(v);
    session.followedCount++;
  };
  /**
   * One object for each content in the session (made by `make` the first time; `size`: its entries, for the
   * accounting). Keys keep the order of the elements: what is iterated comes out in the same order as unshared.
   */
  const intern = <T>(key: string, make: () => T, size: number): T => {
    let v = session.shared.get(key) as T | undefined;
    if (v === undefined) {
      session.shared.set(key, (v = make()));
      session.followedBytes += BYTES_PER_ENTRY * (1 + size) + key.length;
    }
    return v;
  };
  const internSet = (tag: string, set: Set<number>): ReadonlySet<number> => intern(`${tag}${[...set].join(",")}`, () => set, set.size);
  /** pointer: the import is reached only through a function pointer the library stores in its data. */
  type Edge = { key: string; lib: LoadedLibrary; fn: string; pointer: boolean };
  type Node = { key: string; lib: LoadedLibrary; facts: ExportFacts; succ: Edge[]; deps: Map<string, string> };
  const nodes = new Map<string, Node | null>();
  /** The node of a function with its bound imports; nothing behind them is looked at until Tarjan gets there. */
  const node = (lib: LoadedLibrary, fn: string): Node | undefined => {
    const key = nodeKeyOf(lib.id, fn);
    const have = nodes.get(key);
    if (have !== undefined) return have ?? undefined;
    const facts = lib.facts?.exports.get(fn);
    if (facts === undefined) {
      nodes.set(key, null);
      return undefined;
    }
    const n: Node = { key, lib, facts, succ: [], deps: new Map() };
    nodes.set(key, n);
    const names = lib.facts?.importNames ?? [];
    for (const [list, pointer] of [[facts.imports, false], [facts.pointerImports, true]] as const) {
      for (const i of list) {
        const imp = names[i];
        if (imp === undefined) continue;
        const target = bindImport(set, imp, undefined);
        n.deps.set(imp, target?.id ?? "");
        if (target === undefined || (target === lib && imp === fn) || target.facts?.exports.get(imp) === undefined) continue;
        n.succ.push({ key: nodeKeyOf(target.id, imp), lib: target, fn: imp, pointer });
      }
    }
    return n;
  };
  /**
   * Results for one strongly connected group (over both kinds of edges). What a member reaches directly can differ
   * between members joined only through pointer edges, so direct, error-path and indirect are solved per member
   * (a fixpoint over the group's direct edges; groups are small); what the tables met on the way lead to is the
   * same for every member (each reaches the others), so it is solved once, and counts for the members that reach
   * an indirect call.
   */
  const solveGroup = (members: string[]): void => {
    const inGroup = new Set(members);
    const own = new Map<string, string>();
    const children = new Set<Followed>();
    const pointer = new Set<number>();
    // usual: what is reached on usual paths only (direct minus what the libc analysis calls rare), see FollowedFunction.rare.
    type Member = { direct: Set<number>; errorPath: Set<number>; usual: Set<number>; indirect: boolean };
    const per = new Map<string, Member>();
    const addAll = (to: Set<number>, from: Iterable<number>): boolean => {
      const before = to.size;
      for (const x of from) to.add(x);
      return to.size !== before;
    };
    for (const key of members) {
      const mn = nodes.get(key) as Node;
      const rareHere = mn.facts.rare === undefined ? undefined : new Set(mn.facts.rare);
      const m: Member = {
        direct: new Set(mn.facts.direct),
        errorPath: new Set(mn.facts.errorPath),
        usual: new Set(rareHere === undefined ? mn.facts.direct : mn.facts.direct.filter((x) => !rareHere.has(x))),
        indirect: mn.facts.indirect,
      };
      per.set(key, m);
      addAll(pointer, mn.facts.pointer);
      for (const [name, id] of mn.deps) own.set(name, id);
      for (const e of mn.succ) {
        if (inGroup.has(e.key)) continue;
        const r = known(e.key) as Followed;
        children.add(r);
        addAll(pointer, r.tables);
        addAll(m.errorPath, r.result.errorPath);
        if (e.pointer) {
          addAll(pointer, r.result.direct);
          continue;
        }
        addAll(m.direct, r.result.direct);
        for (const x of r.result.direct) if (!r.result.rare.has(x)) m.usual.add(x);
        if (r.result.indirect) m.indirect = true;
      }
    }
    if (members.length > 1) {
      for (let changed = true; changed; ) {
        changed = false;
        for (const key of members) {
          const m = per.get(key) as Member;
          for (const e of (nodes.get(key) as Node).succ) {
            const s = inGroup.has(e.key) ? per.get(e.key) : undefined;
            if (s === undefined || s === m) continue;
            if (addAll(m.errorPath, s.errorPath)) changed = true;
            if (e.pointer) continue;
            if (addAll(m.direct, s.direct)) changed = true;
            if (addAll(m.usual, s.usual)) changed = true;
            if (s.indirect && !m.indirect) changed = m.indirect = true;
          }
        }
      }
      // A pointer edge inside the group: what its target reaches directly is reached through a pointer by all.
      for (const key of members) {
        for (const e of (nodes.get(key) as Node).succ) {
          if (e.pointer && inGroup.has(e.key)) addAll(pointer, (per.get(e.key) as { direct: Set<number> }).direct);
        }
      }
    }
    const pairs: string[] = [];
    for (const [name, id] of own) pairs.push(name, id);
    const shared = { own: intern(`o${pairs.join("\u0000")}`, () => pairs, pairs.length), children: [...children], tables: internSet("t", pointer) };
    session.followedBytes += 8 * shared.children.length;
    for (const key of members) {
      const m = per.get(key) as Member;
      // Only a function that reaches an indirect call can call through the tables.
      const p = new Set<number>();
      if (m.indirect) for (const x of pointer) if (!m.direct.has(x)) p.add(x);
      for (const x of m.direct) m.errorPath.delete(x);
      for (const x of p) m.errorPath.delete(x);
      const rare = new Set<number>();
      for (const x of m.direct) if (!m.usual.has(x)) rare.add(x);
      const result = intern(`r${m.indirect ? 1 : 0}|${[...m.direct].join(",")}|${[...m.errorPath].join(",")}|${[...rare].join(",")}|${[...p].join(",")}`, () => ({ direct: m.direct, errorPath: m.errorPath, rare, indirect: m.indirect, pointer: p }), m.direct.size + m.errorPath.size + rare.size + p.size + 4);
      remember(key, { result, ...shared });
    }
  };
  return (lib: LoadedLibrary, fn: string): FollowedFunction | undefined => {
    const rootKey = nodeKeyOf(lib.id, fn);
    const hit = known(rootKey);
    if (hit !== undefined) return hit.result;
    const root = node(lib, fn);
    if (root === undefined) return undefined;
    // Tarjan over nodes made on demand, numbered as met; a node with a known result is a leaf.
    const ids = new Map<string, number>();
    const byId: Node[] = [];
    const idOf = (n: Node): number => {
      let id = ids.get(n.key);
      if (id === undefined) {
        ids.set(n.key, (id = byId.length));
        byId.push(n);
      }
      return id;
    };
    const tarjan = new Tarjan(
      (v) => (byId[v] as Node).succ.map((e) => (known(e.key) !== undefined ? -1 : idOf(node(e.lib, e.fn) as Node))),
      (members) => solveGroup(members.map((m) => (byId[m] as Node).key)),
      (w) => w >= 0 && known((byId[w] as Node).key) === undefined,
    );
    tarjan.visit(idOf(root));
    // Every node met is solved now (its result is known): the nodes are made again only if asked for again.
    nodes.clear();
    return known(rootKey)?.result;
  };
}

/** The program's own path inside the sysroot, for $ORIGIN: the scanned path when it lies under the sysroot. */
export function pathInSysroot(hostPath: string, sysroot: string): string {
  const abs = posix.resolve(hostPath);
  const root = posix.resolve(sysroot);
  if (root === "/") return abs;
  if (abs.startsWith(root + "/")) return abs.slice(root.length);
  return posix.join("/", posix.basename(dirname(abs)), posix.basename(abs));
}

