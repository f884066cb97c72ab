// @fileoverview The C/C++ files of a scan as one program: a call graph across files (the same Graph as the binary
// analysis, over defined functions), reachability from main and from functions whose address is passed on or stored
// by an initializer, and call sites: every call of a libc function the curated map gives syscalls (fork → clone in
// process mode), and every call of a project function that reaches a process-model libc call, with the chain to it.
// Target-independent.

import type { LibcMap, SyscallRef } from "../db/types.js";
import type { ArgFact, CallFact, SourceFact, SourceFile } from "../source/index.js";
import type { CompileDatabase } from "../source/compile-commands.js";
import { linuxMacros, notBuiltOnce, type MacroFacts, type NotBuilt } from "../source/conditions.js";
import { resolve as resolvePath } from "node:path";
import type { MacroDef } from "../source/macros.js";
import { SortedIndex } from "../util/sorted.js";
import { EMPTY, rows, type Graph } from "./callgraph.js";
import { reach } from "./reach.js";
import { byKey, compareNumbers, compareStrings } from "../util/compare.js";

/**
 * The libc functions of the process model (processes, exec, sessions, signals to others, pipes, SysV IPC, identity,
 * raw syscalls): a project function that reaches one of them is itself reported at each of its call sites.
 */
export const PROCESS_MODEL = new Set([
  "fork", "vfork", "clone", "clone3", "execve", "execv", "execvp", "execvpe", "execl", "execlp", "execle", "fexecve",
  "posix_spawn", "posix_spawnp", "system", "popen", "daemon", "setsid", "wait", "waitpid", "wait3", "wait4", "waitid",
  "kill", "killpg", "pipe", "pipe2", "socketpair", "shmget", "shmat", "semget", "msgget", "ptrace", "chroot", "setuid",
  "setgid", "seteuid", "setegid", "setresuid", "setresgid", "setgroups", "initgroups", "syscall",
]);

export interface SourceTreeFile {
  file: SourceFile;
  macros: readonly MacroDef[];
}

export interface SiteSyscall extends SyscallRef {
  conditional?: true;
  tolerated?: true;
}

export interface SourceSiteFact {
  path: string;
  line: number;
  column: number;
  /** The libc function called, or (kind wrapper) the project function called. */
  callee: string;
  /** The call is a use of this macro, whose body calls `callee`. */
  macro?: string;
  /** Enclosing function. */
  function?: string;
  kind: "libc" | "wrapper";
  /** libc: what the map says the function makes; wrapper: the union over what it reaches. */
  syscalls: SiteSyscall[];
  /** wrapper: the process-model libc functions the callee reaches, sorted. */
  reaches?: string[];
  /** wrapper: from the callee to the nearest of those libc functions: ["redisFork", "fork"]. */
  through?: string[];
  /** wrapper: where that libc call is, path:line. */
  at?: string;
  /** Reached from main or from a function whose address is passed on (false: nothing reaches it). */
  reachable: boolean;
  /** The shortest chain from main to the enclosing function, then the callee (when main reaches it). */
  chain?: string[];
  notBuilt?: NotBuilt;
  excerpt: string;
  conditions: string[];
}

export interface SourceTreeOptions {
  /**
   * A compilation database: files it does not compile (other than headers) are not built, and each file's -D/-U
   * flags decide #if branches beyond the platform macros.
   */
  compile?: CompileDatabase;
}

const HEADER = /\.(h|hh|hpp|hxx|h\+\+|inc|ipp|tcc)$/i;

interface CallRec {
  from: number; // node, -1 at file scope
  fact: CallFact;
  name: string;
  macro?: string;
  to: number[];
  nb: NotBuilt | undefined;
}

const MAX_CHAIN = 24;

/**
 * A call of a project function is a wrapper site when the function makes the process-model call itself or through
 * at most this many further project functions (redisFork → fork: 0; rdbSaveBackground → redisFork → fork: 1).
 * Deeper, nearly every call in a server leads somewhere (addReply → … → freeClient → killRDBChild → kill, 8 levels,
 * 1,800 call sites in redis): those paths show as the libc site's chain from main instead.
 */
const MAX_WRAPPER_DEPTH = 2;

/** Names a broken parse can take for a function (a macro-built body read as `if (...) {`): never a definition. */
const NOT_FUNCTIONS = new Set(["if", "while", "for", "switch", "return", "sizeof", "do", "else", "case", "defined"]);

/** Signals a process sends itself (kill(getpid(), …)): a mode every target with signals supports, not process-model. */
function killMode(c: CallFact): string | undefined {
  if (c.callee !== "kill" && c.callee !== "tgkill") return undefined;
  const a = c.args[0];
  if (a === undefined) return undefined;
  if (/^\(?\s*(getpid|gettid)\s*\(\s*\)\s*\)?$/.test(a.text)) return "self";
  // 0, -1 and negative pids name process groups or every process: never only the caller.
  return /^-?\s*\d+$/.test(a.text.trim()) && Number(a.text.replace(/\s/g, "")) <= 0 ? "other" : undefined;
}

/** Length of the common leading directory part of two paths. */
function commonDirs(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  let k = 0;
  while (k < x.length - 1 && k < y.length - 1 && x[k] === y[k]) k++;
  return k;
}

/** Whether a call goes through an object (obj->fork(), s.system()): a member, not the libc function. */
const isMember = (c: CallFact): boolean =>
  c.calleeText !== c.callee && (c.calleeText.includes("->") || /[\w)\]]\s*\.\s*[A-Za-z_]/.test(c.calleeText));

export function analyzeSourceTree(files: readonly SourceTreeFile[], libc: LibcMap, options: SourceTreeOptions = {}): Map<string, SourceSiteFact[]> {
  const platform: MacroFacts = linuxMacros();
  const compile = options.compile;
  // Nodes: every defined function, per file.
  const nodeName: string[] = [];
  const nodePath: string[] = [];
  const local = new Map<string, Map<string, number>>();
  /** The same as one-element lists, so that a call bound to its file's own function allocates nothing. */
  const localLists = new Map<string, Map<string, number[]>>();
  const global = new Map<string, number[]>();
  for (const { file } of files) {
    const mine = new Map<string, number>();
    const mineLists = new Map<string, number[]>();
    local.set(file.path, mine);
    localLists.set(file.path, mineLists);
    for (const f of file.functions) {
      if (mine.has(f.name) || NOT_FUNCTIONS.has(f.name)) continue; // the same name twice in a file: #ifdef'd variants, one node
      const id = nodeName.length;
      nodeName.push(f.name);
      nodePath.push(file.path);
      mine.set(f.name, id);
      mineLists.set(f.name, [id]);
      const g = global.get(f.name);
      if (g === undefined) global.set(f.name, [id]);
      else g.push(id);
    }
  }
  // Macros: a file's own first, then any file's (headers define most).
  const globalMacros = new Map<string, MacroDef>();
  for (const { macros } of files) for (const m of macros) if (!globalMacros.has(m.name)) globalMacros.set(m.name, m);

  // A call binds to the file's own function of that name (static or not), else to the definitions nearest in the
  // tree (a vendored library's helper does not bind to the application's function of the same name).
  const resolved = new Map<string, number[]>();
  const resolveElsewhere = (path: string, name: string): number[] => {
    const all = global.get(name);
    if (all === undefined) return EMPTY;
    if (all.length === 1) return all;
    const key = `${path}\0${name}`;
    let r = resolved.get(key);
    if (r === undefined) {
      const depth = all.map((t) => commonDirs(path, nodePath[t] as string));
      const best = Math.max(...depth);
      r = all.filter((_, i) => depth[i] === best);
      resolved.set(key, r);
    }
    return r;
  };
  const calls: CallRec[] = [];
  const src: number[] = [];
  const dst: number[] = [];
  const addCall = (from: number, fact: CallFact, name: string, to: number[], nb: NotBuilt | undefined, macro: string | undefined): void => {
    if (to.length === 0 && (!libc.functions.has(name) || libc.pure.names.has(name))) return; // neither an edge nor a site
    const rec: CallRec = { from, fact, name, to, nb };
    if (macro !== undefined) rec.macro = macro;
    calls.push(rec);
    if (nb !== undefined || from < 0) return;
    for (let k = 0; k < to.length; k++) {
      src.push(from);
      dst.push(to[k] as number);
    }
  };
  // Functions whose address is passed on (signal handlers, callbacks, thread starts): an edge from the function that
  // passes it (the handler runs once it is registered), or a root when that happens outside any function.
  const taken = new Set<number>();
  const takenEdges = new Set<number>();
  // One file's calls and stored addresses. A function of its own, called per file, and indexed loops: the whole
  // tree is analysed once per run, so a loop in the body of analyzeSourceTree ran in the interpreter until V8
  // replaced it on the stack (recompiled several times a pass over redis), and each step of a for-of there
  // allocated an iterator result (33 MB a pass).
  const collectFile = ({ file, macros }: SourceTreeFile): void => {
    const fileMacros = new Map(macros.map((m) => [m.name, m]));
    // With a compilation database: its flags for this file, or the whole file is not built.
    let facts = platform;
    let fileNotBuilt: NotBuilt | undefined;
    if (compile !== undefined && !HEADER.test(file.path)) {
      const flags = compile.files.get(resolvePath(file.path));
      if (flags === undefined) fileNotBuilt = { kind: "not-compiled", because: `not compiled by ${compile.path}` };
      else if (flags.defines.length + flags.undefines.length > 0) facts = linuxMacros(flags.defines, flags.undefines);
    }
    const mine = local.get(file.path) as Map<string, number>;
    const mineLists = localLists.get(file.path) as Map<string, number[]>;
    const bind = (name: string): number[] => mineLists.get(name) ?? resolveElsewhere(file.path, name);
    // Addresses an initializer stores (`{ .start = my_start }`, tables of handlers): taken as a passed argument is.
    for (const a of file.addresses) {
      if (fileNotBuilt !== undefined || notBuiltOnce(a.conditions, facts) !== undefined) continue;
      const from = a.function !== undefined ? mine.get(a.function) ?? -1 : -1;
      for (const t of bind(a.name)) {
        if (from < 0) taken.add(t);
        else if (from !== t) {
          src.push(from);
          dst.push(t);
          takenEdges.add(from * nodeName.length + t);
        }
      }
    }
    const fileFacts = file.facts;
    for (let i = 0; i < fileFacts.length; i++) {
      const fact = fileFacts[i] as SourceFact;
      if (fact.kind !== "call" || fact.callee === "" || isMember(fact)) continue;
      const from = fact.function !== undefined ? mine.get(fact.function) ?? -1 : -1;
      let nb = fileNotBuilt ?? notBuiltOnce(fact.conditions, facts);
      // A branch the platform alone leaves open but the build's flags close is "not compiled", not dead code.
      if (nb !== undefined && nb.kind !== "not-compiled" && facts !== platform && notBuiltOnce(fact.conditions, platform) === undefined) {
        nb = { kind: "not-compiled", because: `${nb.because} (with the flags of ${compile?.path ?? ""})` };
      }
      if (nb?.kind === "dead") continue;
      const args = fact.args;
      for (let j = 0; j < args.length && nb === undefined; j++) {
        const a = args[j] as ArgFact;
        if (a.kind !== "identifier") continue;
        const ts = bind(a.text);
        for (let k = 0; k < ts.length; k++) {
          const t = ts[k] as number;
          if (from < 0) taken.add(t);
          else {
            src.push(from);
            dst.push(t);
            takenEdges.add(from * nodeName.length + t);
          }
        }
      }
      // A project function of that name is called; else a macro's body; else (maybe) libc.
      const to = bind(fact.callee);
      const m = to.length === 0 ? fileMacros.get(fact.callee) ?? globalMacros.get(fact.callee) : undefined;
      if (m === undefined) addCall(from, fact, fact.callee, to, nb, undefined);
      else {
        for (const c of m.calls) {
          const inner = bind(c).length === 0 ? fileMacros.get(c) ?? globalMacros.get(c) : undefined;
          if (inner === undefined) addCall(from, fact, c, bind(c), nb, fact.callee);
          else for (const name of inner.calls) addCall(from, fact, name, bind(name), nb, fact.callee);
        }
      }
    }
  };
  for (const f of files) collectFile(f);
  const n = nodeName.length;
  const { succOff, succ } = rows(n, Int32Array.from(src), Int32Array.from(dst));
  const starts = Float64Array.from({ length: n }, (_, i) => i);
  const graph: Graph = {
    starts,
    index: new SortedIndex(starts, 0, n),
    name: (i) => nodeName[i] as string,
    succOff,
    succ,
    imports: new Array<string[]>(n).fill(EMPTY),
    indirect: new Int32Array(n),
    outside: new Int32Array(n),
    sites: new Array<number[]>(n).fill(EMPTY),
  };
  const mains = nodeName.flatMap((name, i) => (name === "main" ? [i] : []));
  // A tree without main (a library) is entered anywhere.
  const roots = mains.length > 0 ? [...mains, ...[...taken].sort(compareNumbers)] : Array.from({ length: n }, (_, i) => i);
  const reachable = reach(graph, roots);
  // Shortest chains from main: breadth-first, parents kept.
  const parent = new Int32Array(n).fill(-2);
  {
    const queue: number[] = [];
    for (const m of mains) {
      parent[m] = -1;
      queue.push(m);
    }
    for (let q = 0; q < queue.length; q++) {
      const f = queue[q] as number;
      for (let e = succOff[f] as number; e < (succOff[f + 1] as number); e++) {
        const s = succ[e] as number;
        if (parent[s] === -2) {
          parent[s] = f;
          queue.push(s);
        }
      }
    }
  }
  // Of the edges that register a function by address, those that are also calls.
  const calledEdges = new Set<number>();
  if (takenEdges.size > 0) {
    for (let i = 0; i < calls.length; i++) {
      const rec = calls[i] as CallRec;
      if (rec.from < 0 || rec.nb !== undefined) continue;
      for (const t of rec.to) if (takenEdges.has(rec.from * n + t)) calledEdges.add(rec.from * n + t);
    }
  }
  const calledEdge = (a: number, b: number): boolean => calledEdges.has(a * n + b);
  const chainTo = (f: number): string[] | undefined => {
    if (f < 0 || parent[f] === -2) return undefined;
    const out: string[] = [];
    for (let x = f; x >= 0 && out.length < MAX_CHAIN; x = parent[x] as number) {
      const p = parent[x] as number;
      // "&handler": the step registers the function by address rather than calling it.
      out.push(p >= 0 && takenEdges.has(p * n + x) && !calledEdge(p, x) ? `&${nodeName[x] as string}` : (nodeName[x] as string));
    }
    return out.reverse();
  };

  // Per process-model libc function: which nodes reach a built call of it, and the next step towards the nearest.
  const direct = new Map<string, { node: number; rec: CallRec }[]>();
  for (let i = 0; i < calls.length; i++) {
    const rec = calls[i] as CallRec;
    if (rec.to.length > 0 || rec.nb !== undefined || rec.from < 0 || !PROCESS_MODEL.has(rec.name) || !libc.functions.has(rec.name)) continue;
    if (rec.macro === undefined && killMode(rec.fact) === "self") continue;
    const l = direct.get(rec.name);
    if (l === undefined) direct.set(rec.name, [{ node: rec.from, rec }]);
    else l.push({ node: rec.from, rec });
  }
  const pred: number[][] = Array.from({ length: n }, () => []);
  for (let f = 0; f < n; f++) for (let e = succOff[f] as number; e < (succOff[f + 1] as number); e++) (pred[succ[e] as number] as number[]).push(f);
  const reachTo = new Map<string, { dist: Int32Array; next: Int32Array }>();
  for (const [name, sites] of [...direct].sort(byKey)) {
    const dist = new Int32Array(n).fill(-1);
    const next = new Int32Array(n).fill(-1);
    const queue: number[] = [];
    for (const s of sites) {
      if (dist[s.node] === -1) {
        dist[s.node] = 0;
        queue.push(s.node);
      }
    }
    for (let q = 0; q < queue.length; q++) {
      const f = queue[q] as number;
      const ps = pred[f] as number[];
      for (let k = 0; k < ps.length; k++) {
        const p = ps[k] as number;
        if (dist[p] !== -1) continue;
        dist[p] = (dist[f] as number) + 1;
        next[p] = f;
        queue.push(p);
      }
    }
    reachTo.set(name, { dist, next });
  }

  // The same as a list, in the same (sorted) order: the loop over calls below walks it for each call of a wrapper,
  // and iterating the Map there allocated an entry and an iterator result per step (24 MB a pass over redis).
  const reachList = [...reachTo].map(([name, r]) => ({ name, dist: r.dist, next: r.next }));
  // Per node: whether it reaches any of them within MAX_WRAPPER_DEPTH (most calls are of functions that do not).
  const near = new Uint8Array(n);
  for (const r of reachList) for (let f = 0; f < n; f++) if ((r.dist[f] as number) >= 0 && (r.dist[f] as number) <= MAX_WRAPPER_DEPTH) near[f] = 1;
  const isNear = (to: readonly number[]): boolean => {
    for (const t of to) if (near[t] === 1) return true;
    return false;
  };

  // One list per libc function and mode, shared by its call sites (and rated once per target list: verdict/sites.ts).
  const syscallLists = new Map<string, SiteSyscall[]>();
  const syscallsOf = (name: string, mode?: string): SiteSyscall[] => {
    const key = mode === undefined ? name : `${name}\0${mode}`;
    let l = syscallLists.get(key);
    if (l === undefined) syscallLists.set(key, (l = listSyscalls(name, mode)));
    return l;
  };
  const listSyscalls = (name: string, mode?: string): SiteSyscall[] => {
    const fn = libc.functions.get(name);
    if (fn === undefined) return [];
    return fn.x86_64.map((r) => {
      const s: SiteSyscall = { name: r.name };
      const m = r.mode ?? (r.name === name ? mode : undefined);
      if (m !== undefined) s.mode = m;
      if (libc.tolerated.names.has(r.name)) s.tolerated = true;
      else if (fn.conditional.has(r.name)) s.conditional = true;
      return s;
    });
  };

  const out = new Map<string, SourceSiteFact[]>();
  for (const { file } of files) out.set(file.path, []);
  const siteOf = (rec: CallRec, kind: SourceSiteFact["kind"], syscalls: SiteSyscall[]): SourceSiteFact => {
    const { location } = rec.fact;
    return {
      path: location.file,
      line: location.line,
      column: location.column,
      excerpt: rec.fact.excerpt,
      conditions: rec.fact.conditions,
      reachable: rec.from >= 0 && reachable[rec.from] === 1,
      kind,
      callee: rec.name,
      syscalls,
    };
  };
  // Per call, in a function of its own for the reason given at collectFile.
  const siteFor = (rec: CallRec): void => {
    const { fact } = rec;
    let site: SourceSiteFact | undefined;
    if (rec.to.length === 0) {
      // a libc function with syscalls (addCall keeps no other call that binds to no project function)
      site = siteOf(rec, "libc", syscallsOf(rec.name, rec.macro === undefined ? killMode(fact) : undefined));
    } else if (!isNear(rec.to)) {
      return;
    } else {
      // A project function: reported when it reaches a process-model libc call (through any of its definitions).
      const reaches: string[] = [];
      let best: { name: string; node: number; dist: number } | undefined;
      for (const { name, dist } of reachList) {
        for (const t of rec.to) {
          const d = dist[t] as number;
          if (d < 0 || d > MAX_WRAPPER_DEPTH) continue;
          if (!reaches.includes(name)) reaches.push(name);
          if (best === undefined || d < best.dist) best = { name, node: t, dist: d };
        }
      }
      if (best === undefined) return;
      reaches.sort();
      const through: string[] = [];
      const r = reachTo.get(best.name) as { next: Int32Array };
      let last = best.node;
      for (let x = best.node; x >= 0 && through.length < MAX_CHAIN; x = r.next[x] as number) {
        through.push(nodeName[x] as string);
        last = x;
      }
      through.push(best.name);
      const at = (direct.get(best.name) ?? []).filter((s) => s.node === last).map((s) => s.rec.fact.location).sort((a, b) => a.line - b.line)[0];
      const syscalls = new Map<string, SiteSyscall>();
      for (const name of reaches) for (const s of syscallsOf(name)) syscalls.set(`${s.name}:${s.mode ?? ""}`, s);
      site = siteOf(rec, "wrapper", [...syscalls.values()]);
      site.reaches = reaches;
      site.through = through;
      if (at !== undefined) site.at = `${nodePath[last]}:${at.line}`;
    }
    if (rec.macro !== undefined) site.macro = rec.macro;
    if (fact.function !== undefined) site.function = fact.function;
    if (rec.nb !== undefined) site.notBuilt = rec.nb;
    const chain = chainTo(rec.from);
    if (chain !== undefined) site.chain = [...chain, rec.name];
    (out.get(site.path) ?? out.set(site.path, []).get(site.path))?.push(site);
  };
  for (let i = 0; i < calls.length; i++) siteFor(calls[i] as CallRec);
  for (const l of out.values()) l.sort((a, b) => a.line - b.line || a.column - b.column || compareStrings(a.callee, b.callee));
  return out;
}
