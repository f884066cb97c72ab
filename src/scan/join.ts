// @fileoverview A binary scanned together with its sources (`unifit scan build/app src/`): each finding's code sites
// (calls of the imported functions that lead to it, syscall instructions) placed at a source line, through the
// binary's .debug_line when it has one, else through the site's enclosing function symbol matched to the source
// function of that name; and linked to the source report's call site when both are the same call. The source side is
// a small serialisable index (it goes to worker threads as it is); the line table is read only here, lazily.

import { isAbsolute, join, normalize, relative, resolve, sep } from "node:path";
import type { ChainFinder } from "../analyze/code.js";
import type { LineRow } from "../elf/dwarf-line.js";
import type { CodeSite, FileReport, InputError, ReachedSyscall, SourcePlace, TargetVerdict, Via } from "../types.js";
import { hex } from "../util/hex.js";
import { compareStrings } from "../util/compare.js";
import { viaLabel } from "../verdict/rate.js";

/** What a binary's findings are placed against: the sources of the same scan. Plain data (structured-clonable). */
export interface SourceIndex {
  /** The paths given that hold the sources (directories or files), resolved, with the path as given. */
  roots: { abs: string; given: string }[];
  /** Every source file scanned, as the report names it. */
  files: string[];
  /** Functions defined in them. */
  functions: { name: string; file: string; line: number }[];
  /** The source reports' libc call sites. */
  sites: { file: string; line: number; column: number; callee: string; function?: string }[];
}

/** A finding lists at most this many code sites (the first by way in, then by address). */
export const MAX_FINDING_SITES = 8;

/**
 * The index of a scan's sources: `given` are the paths of the command line, `reports` the source files' reports,
 * `functions` the functions their parse found. Undefined when no source file was analysed.
 */
export function sourceIndex(
  given: readonly string[],
  reports: ReadonlyMap<string, FileReport | InputError>,
  functions: readonly { name: string; file: string; line: number }[],
): SourceIndex | undefined {
  const files = [...reports.values()].filter((r): r is FileReport => !("code" in r)).map((r) => r.path).sort(compareStrings);
  if (files.length === 0) return undefined;
  const roots: SourceIndex["roots"] = [];
  for (const g of given) {
    const abs = resolve(g);
    if (files.some((f) => within(abs, resolve(f)))) roots.push({ abs, given: g });
  }
  const sites: SourceIndex["sites"] = [];
  for (const r of reports.values()) {
    if ("code" in r) continue;
    for (const s of r.sites ?? []) {
      if (s.kind !== "libc") continue;
      const x: SourceIndex["sites"][number] = { file: r.path, line: s.line, column: s.column, callee: s.callee };
      if (s.function !== undefined) x.function = s.function;
      sites.push(x);
    }
  }
  return { roots, files, functions: [...functions], sites };
}

const within = (dir: string, path: string): boolean => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/** The index's lookups, made once per index (a worker places every binary against the same one). */
class Lookups {
  /** Resolved path of a scanned source file → its report path. */
  readonly byAbs = new Map<string, string>();
  /** Base name → scanned files with it (for debug paths from another build directory, or relative ones). */
  readonly byBase = new Map<string, string[]>();
  /** Function name → its definitions, one per file, by path. */
  readonly defs = new Map<string, { file: string; line: number }[]>();
  /** `file\0line` → the libc sites on that line. */
  readonly onLine = new Map<string, SourceIndex["sites"]>();
  /** `file\0function\0callee` → that function's calls of callee. */
  readonly inFunction = new Map<string, SourceIndex["sites"]>();

  constructor(readonly index: SourceIndex) {
    for (const f of index.files) {
      this.byAbs.set(resolve(f), f);
      push(this.byBase, f.slice(f.lastIndexOf("/") + 1), f);
    }
    for (const d of index.functions) {
      const l = this.defs.get(d.name);
      if (l === undefined) this.defs.set(d.name, [{ file: d.file, line: d.line }]);
      else if (!l.some((x) => x.file === d.file)) l.push({ file: d.file, line: d.line });
    }
    for (const l of this.defs.values()) l.sort((a, b) => compareStrings(a.file, b.file));
    for (const s of index.sites) {
      push(this.onLine, `${s.file}\0${s.line}`, s);
      if (s.function !== undefined) push(this.inFunction, `${s.file}\0${s.function}\0${s.callee}`, s);
    }
  }

  /** A function as the sources name it: C++ symbols come demangled with their parameters and scopes. */
  defsOf(symbol: string): { file: string; line: number }[] | undefined {
    const name = symbol.replace(/\(.*$/, "");
    return this.defs.get(name) ?? this.defs.get(name.slice(name.lastIndexOf("::") + 1));
  }

  /** A debug path as the report names its file (see SourcePlace.file); by its tail only when `related`. */
  file(debugPath: string, related: boolean): string {
    if (isAbsolute(debugPath)) {
      const abs = normalize(debugPath);
      const known = this.byAbs.get(abs);
      if (known !== undefined) return known;
      for (const r of this.index.roots) if (within(r.abs, abs) && r.abs !== abs) return join(r.given, relative(r.abs, abs));
    }
    // Built elsewhere, or a path relative to an unknown build directory: the scanned file with the longest common
    // tail of path components, when only one has it.
    if (!related) return debugPath;
    const parts = normalize(debugPath).split("/");
    const candidates = this.byBase.get(parts[parts.length - 1] as string) ?? [];
    let best = 0;
    let found: string[] = [];
    for (const c of candidates) {
      const cp = resolve(c).split(sep);
      let k = 0;
      while (k < parts.length && k < cp.length && parts[parts.length - 1 - k] === cp[cp.length - 1 - k]) k++;
      if (k > best) {
        best = k;
        found = [c];
      } else if (k === best) found.push(c);
    }
    return found.length === 1 ? (found[0] as string) : debugPath;
  }
}

function push<V>(m: Map<string, V[]>, k: string, v: V): void {
  const l = m.get(k);
  if (l === undefined) m.set(k, [v]);
  else l.push(v);
}

const lookups = new WeakMap<SourceIndex, Lookups>();

/** Functions the C runtime (crtstuff, crt1) puts in every gcc-built program; the others start with "_". */
const CRT = new Set(["deregister_tm_clones", "register_tm_clones", "frame_dummy"]);

/** Reads the line table's rows of some addresses (undefined: the binary has no .debug_line). */
export type LineSource = (addresses: readonly number[]) => { rows: Map<number, LineRow>; warnings: string[] } | undefined;

/**
 * Gives each finding of a binary's report its code sites, placed in the sources (see the file overview), and the
 * binary its `sourceLines` summary (with what of the line table could not be read). `syscalls` are the analysis's
 * reached syscalls (not capped), `finder` its call graph's search (absent when the code could not be read).
 */
export function placeFindings(
  report: FileReport,
  syscalls: readonly ReachedSyscall[],
  finder: ChainFinder | undefined,
  lines: LineSource,
  index: SourceIndex,
  functions: readonly string[],
): void {
  const look = lookups.get(index) ?? new Lookups(index);
  lookups.set(index, look);
  // Names are evidence only when the sources are the binary's: most of its own functions are defined in them (main
  // alone, or printf's caller, says nothing about a binary built from other sources).
  const own = [...new Set(functions.filter((f) => !f.startsWith("_") && !CRT.has(f)))];
  const found = own.filter((f) => look.defsOf(f) !== undefined).length;
  const related = own.length > 0 && found * 2 >= own.length;
  const notes: string[] = [];
  if (!related) {
    const why = own.length === 0 ? "the binary names none of its functions" : `${found} of the binary's ${own.length} functions are defined in the sources scanned with it`;
    notes.push(`${why}: its code sites are placed by its .debug_line alone, not by function name`);
  }
  const byName = new Map(syscalls.map((s) => [s.name, s]));
  // The code sites of a finding depend on its ways in only: the same on every target.
  const known = new Map<string, { sites: CodeSite[]; more: number }>();
  const callsOf = new Map<string, readonly Call[]>();
  const all = new Map<number, CodeSite>();
  const sitesOf = (t: TargetVerdict["findings"][number]): { sites: CodeSite[]; more: number } => {
    const key = `${t.syscall}\0${t.via.join("\0")}`;
    let k = known.get(key);
    if (k !== undefined) return k;
    // The way in that ends the finding's chain first (its sites are the ones the chain names), then the others.
    const end = t.chain?.[t.chain.length - 1];
    const rank = (v: Via): number => (viaLabel(v) === end ? 0 : 1);
    const labels = new Set(t.via);
    const vias = (byName.get(t.syscall)?.via ?? []).filter((v) => labels.has(viaLabel(v))).sort((a, b) => rank(a) - rank(b));
    // Within it, the site in the function the chain goes through first.
    const caller = t.chain?.[t.chain.length - 2];
    const seen = new Set<number>();
    const found: { call: Call; rank: number }[] = [];
    for (const v of vias) {
      const key = v.kind === "site" ? `@${v.address ?? ""}` : (v.function ?? "");
      let calls = callsOf.get(key);
      if (calls === undefined) callsOf.set(key, (calls = codeSites(v, finder)));
      for (const call of calls) {
        if (seen.has(call.addr)) continue;
        seen.add(call.addr);
        found.push({ call, rank: rank(v) * 2 + (call.function === caller ? 0 : 1) });
      }
    }
    // Stable: ways in in label order, sites by address.
    found.sort((a, b) => a.rank - b.rank);
    const sites = found.slice(0, MAX_FINDING_SITES).map(({ call }) => {
      // One object per address: placed once, shared by every finding that lists it.
      let site = all.get(call.addr);
      if (site === undefined) {
        site = { address: hex(call.addr), function: call.function };
        if (call.callee !== undefined) site.callee = call.callee;
        all.set(call.addr, site);
      }
      return site;
    });
    k = { sites, more: found.length - sites.length };
    known.set(key, k);
    return k;
  };
  for (const t of report.targets) {
    for (const f of t.findings) {
      const { sites, more } = sitesOf(f);
      if (sites.length === 0) continue;
      f.sites = sites;
      if (more > 0) f.moreSites = more;
    }
  }
  const table = all.size > 0 ? lines([...all.keys()]) : undefined;
  let placed = 0;
  for (const [addr, site] of all) {
    const p = place(site, table?.rows.get(addr), look, related);
    if (p === undefined) continue;
    site.source = p;
    placed++;
  }
  if (report.binary !== undefined) {
    report.binary.sourceLines = { debugLine: table !== undefined, sites: all.size, placed };
    const warnings = [...(table?.warnings ?? []), ...notes];
    if (warnings.length > 0) report.binary.sourceLines.warnings = warnings;
  }
}

/** A code site before it is kept: an address, its function, the import it calls. */
interface Call {
  addr: number;
  function: string;
  callee?: string;
}

/** The code sites of one way in: the program's calls of an imported function (the finder's own list), or a syscall
 * site. */
function codeSites(v: Via, finder: ChainFinder | undefined): readonly Call[] {
  if (v.kind === "site" && v.address !== undefined) return [{ addr: Number.parseInt(v.address, 16), function: v.function ?? "" }];
  if ((v.kind === "import" || v.kind === "library") && v.function !== undefined && finder !== undefined) {
    const callee = v.function;
    return finder.callsTo(callee).map((c) => ({ addr: c.addr, function: c.function, callee }));
  }
  return [];
}

/** A code site in the sources: its line-table row when it has one, else its function by name. */
function place(site: CodeSite, row: LineRow | undefined, look: Lookups, related: boolean): SourcePlace | undefined {
  if (row !== undefined && row.line > 0) {
    const file = look.file(row.file, related);
    const same = site.callee === undefined ? [] : (look.onLine.get(`${file}\0${row.line}`) ?? []).filter((s) => s.callee === site.callee);
    // Two calls of the same function on one line: the one at the table's column, else the first.
    const s = same.find((x) => x.column === row.column) ?? same[0];
    // The table's column, else the source call's (a table built without columns).
    const column = row.column > 0 ? row.column : s?.column;
    const p: SourcePlace = { file, line: row.line, ...(column !== undefined ? { column } : {}), how: "dwarf" };
    if (s !== undefined) p.sourceSite = `${s.file}:${s.line}:${s.column}`;
    return p;
  }
  if (!related) return undefined;
  const defs = look.defsOf(site.function);
  if (defs === undefined || defs.length === 0) return undefined;
  const name = site.function.replace(/\(.*$/, "");
  const first = defs[0] as { file: string; line: number };
  if (defs.length > 1) {
    return { file: first.file, line: first.line, how: "function-name", at: "function", ambiguous: defs.map((d) => `${d.file}:${d.line}`) };
  }
  const calls = site.callee === undefined ? [] : (look.inFunction.get(`${first.file}\0${name}\0${site.callee}`) ?? []);
  if (calls.length === 1) {
    const s = calls[0] as SourceIndex["sites"][number];
    return { file: s.file, line: s.line, column: s.column, how: "function-name", at: "call", sourceSite: `${s.file}:${s.line}:${s.column}` };
  }
  const p: SourcePlace = { file: first.file, line: first.line, how: "function-name", at: "function" };
  if (calls.length > 1) p.calls = calls.map((c) => `${c.file}:${c.line}:${c.column}`);
  return p;
}
