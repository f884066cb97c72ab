// @fileoverview A container image or root file system, scanned whole: opened in memory (src/image/), the story its
// configuration tells (Entrypoint + Cmd, PATH and WorkingDir, shell scripts followed to the programs they exec by
// name), every ELF file scanned with its libraries read from the image, and one verdict per target for the image.
// Each file's report is cached by content (the file's, every ELF file's of the image, the analysis code's, the
// database's and rules'); identical files are analysed once per run.

import { errnoCode } from "../input/errors.js";
import { createHash } from "node:crypto";
import { LibrarySession } from "../analyze/libraries.js";
import { codeKey } from "../cache/code-key.js";
import { readCachedBytes, writeCachedText } from "../cache/store.js";
import type { Database, Surface } from "../db/types.js";
import { ImageError } from "../image/layers.js";
import type { ImageLimits } from "../image/layers.js";
import type { MemView } from "../image/mem-view.js";
import { openImage } from "../image/open.js";
import type { OpenedImage } from "../image/open.js";
import { findPlugins } from "../image/plugins.js";
import { readElf } from "../elf/index.js";
import type { ImageConfig } from "../image/open.js";
import type { Input } from "../input/expand.js";
import type { Rule } from "../rules/types.js";
import type { FileReport, ImagePlugin, ImageProgram, ImageReport, InputError, Verdict } from "../types.js";
import { worstVerdict } from "../verdict/rate.js";
import { fileVerdicts } from "./summary.js";
import type { FileVerdicts } from "./summary.js";
import { scanBytes } from "./scan.js";
import { fileJson, fileJsonText } from "../report/json.js";
import type { FileJson } from "../report/types.js";
import type { BudgetedPool } from "./pool.js";
import { isElfMagic } from "../elf/magic.js";
import { RecycledBuffers } from "../util/recycled-buffers.js";

export interface ImageScanOptions {
  platform?: string;
  limits?: Partial<ImageLimits>;
  /** Read the path as a root file system directory. */
  rootfs?: boolean;
  /** null: do not read libraries (the curated maps only). */
  libraries?: boolean;
  onFile?: (input: Input, index: number, total: number) => void;
  /**
   * Called with each file's report as soon as it is made, in the report's order; the files are then not kept. Bytes
   * in the report's `json` are valid during the call only (their buffer is reused): a callback that keeps them copies.
   */
  onReport?: (made: MadeReport) => void;
  /** What the library analysis remembers between files (a new one for this image when absent). */
  session?: LibrarySession;
  /**
   * The worker pool for an image of this many ELF files, started when first asked for; undefined: analyse the files
   * in this thread.
   */
  pool?: (files: number) => BudgetedPool | undefined;
}

/**
 * One file's report as made or as found in the cache: the object, or its JSON text (a report reused from the cache
 * is passed on as the text it was stored as, never parsed and serialised again), with its verdicts.
 */
export interface MadeReport {
  report?: FileReport;
  json?: FileJson;
  verdicts: FileVerdicts;
}

/** Stored per file: one line of what the image scan needs (verdicts, libraries), then the report with an empty path. */
interface StoredMeta {
  verdicts: FileVerdicts["targets"];
  libraries: string[];
}
const EMPTY_PATH = '{"path":""';

export interface ImageScan {
  /** The image's files, the programs that run first, then what they load, then the rest by path. */
  files: FileReport[];
  errors: InputError[];
  image?: ImageReport;
}

/**
 * Files started ahead of the one whose report is handed on next, per worker: enough that the workers are not idle
 * behind a large binary, few enough that memory holds only these files' reports, whatever the image's size.
 */
const FILES_AHEAD_PER_JOB = 4;

/** One file's report as the image scan hands it on: its JSON, its verdicts and the libraries it loads. */
export interface ImageFileResult {
  /** A string when made in this run; the stored bytes, under the file's path, when found in the cache. */
  json: FileJson;
  verdicts: FileVerdicts;
  libraries: string[];
  /** The report is the same for the same bytes under another path (no library search from its own directory). */
  portable: boolean;
  /** The object, when it was made in this thread. */
  report?: FileReport;
  /** The buffer the stored report was read into: reused once the report is handed on. */
  recycle?: Buffer;
}

/** What analysing an image's file needs besides the file. */
export interface ImageFileContext {
  db: Database;
  surfaces: readonly Surface[];
  rules: readonly Rule[];
  /** Read libraries from the image (false: the curated maps only). */
  libraries: boolean;
  session: LibrarySession;
}

/**
 * Analyses one file of an image (in the main thread, or in a worker with the view it was handed) and stores its
 * report in the cache under `key`; the JSON handed on is the stored text under the file's own path.
 */
export function analyseImageFile(view: MemView, p: string, label: string, key: string, ctx: ImageFileContext): ImageFileResult | InputError {
  // What the session remembers of libraries stays within its own byte bound (LibrarySession.trim, between files); a
  // bound on the whole process's resident set, as before, counted every worker and the image's bytes, and so dropped
  // the session before every file.
  const bytes = view.readFile(p);
  if (bytes === undefined) return { path: label, code: "CHANGED", message: "the file's bytes changed while the image was scanned" };
  const r = scanBytes(label, bytes, ctx.db, ctx.surfaces, { sysroot: ctx.libraries ? view : null, programPath: p, rules: ctx.rules, session: ctx.session });
  if ("code" in r) return r;
  const verdicts = fileVerdicts(r);
  const libraries = (r.binary?.libraries ?? []).flatMap((l) => (l.path !== undefined ? [l.path] : []));
  const stored = JSON.stringify({ ...r, path: "" });
  const meta: StoredMeta = { verdicts: verdicts.targets, libraries };
  writeCachedText("file", key, `${JSON.stringify(meta)}\n${stored}`);
  const json = stored.startsWith(EMPTY_PATH) ? `{"path":${JSON.stringify(label)}${stored.slice(EMPTY_PATH.length)}` : fileJson(r);
  const b = r.binary;
  const portable = b !== undefined && ![...b.rpath, ...b.runpath].some((d) => d.includes("ORIGIN")) && !b.needed.some((n) => n.includes("/"));
  return { json, verdicts, libraries, portable, report: r };
}

/** A report under another path (a twin's): undefined when its JSON does not start with its path. */
function underPath(r: ImageFileResult, path: string): (Omit<ImageFileResult, "json"> & { json: string }) | undefined {
  const head = `{"path":${JSON.stringify(r.verdicts.path)}`;
  if (typeof r.json !== "string" || !r.json.startsWith(head)) return undefined;
  const out: Omit<ImageFileResult, "json"> & { json: string } = { json: `{"path":${JSON.stringify(path)}${r.json.slice(head.length)}`, verdicts: { ...r.verdicts, path }, libraries: r.libraries, portable: true };
  if (r.report !== undefined) out.report = { ...r.report, path };
  return out;
}

/**
 * A stored report under the file's path, or undefined when the entry is damaged (it is then made again). Only the
 * meta line is decoded: the report itself is passed on as the stored bytes, after the path.
 */
function fromCache(stored: Buffer, label: string, recycle: Buffer): ImageFileResult | undefined {
  const nl = stored.indexOf(0x0a);
  if (nl <= 0 || stored.toString("latin1", nl + 1, nl + 1 + EMPTY_PATH.length) !== EMPTY_PATH) return undefined;
  try {
    const meta = JSON.parse(stored.toString("utf8", 0, nl)) as StoredMeta;
    if (!Array.isArray(meta.verdicts) || !Array.isArray(meta.libraries)) return undefined;
    const json = [`{"path":${JSON.stringify(label)}`, stored.subarray(nl + 1 + EMPTY_PATH.length)];
    return { json, verdicts: { path: label, targets: meta.verdicts }, libraries: meta.libraries, portable: false, recycle };
  } catch {
    return undefined;
  }
}

/**
 * Starts the items at most `ahead()` before the one handed on next, and hands each outcome on in the items' order:
 * the order out does not depend on which finishes first, and no more than that many outcomes wait.
 */
async function inOrder<T>(items: readonly string[], start: (item: string) => Promise<T>, deliver: (item: string, r: T) => void, ahead: () => number): Promise<void> {
  const started: Promise<T>[] = [];
  let next = 0;
  for (let k = 0; k < items.length; k++) {
    while (next < items.length && next < k + Math.max(1, ahead())) started.push(start(items[next++] as string));
    deliver(items[k] as string, await (started.shift() as Promise<T>));
  }
}

const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const MAX_SCRIPT_DEPTH = 4;
const SCRIPT_TEXT = 64 * 1024;

/** A program named in the image: a path (from the working directory when relative) or a name on PATH. */
function findProgram(view: MemView, name: string, pathDirs: readonly string[], cwd: string): string | undefined {
  if (name.includes("/")) return view.isFile(name.startsWith("/") ? name : `${cwd}/${name}`) ? view.resolve(name.startsWith("/") ? name : `${cwd}/${name}`) : undefined;
  for (const d of pathDirs) {
    const p = `${d}/${name}`;
    if (view.isFile(p)) return view.resolve(p);
  }
  return undefined;
}

/** A word as the shell would take it literally, or undefined when it is not literal (expansions, globs). */
function literal(word: string): string | undefined {
  let w = word;
  if (w.length >= 2 && ((w.startsWith("'") && w.endsWith("'")) || (w.startsWith('"') && w.endsWith('"')))) w = w.slice(1, -1);
  return /[$`*?'"\\{}()<>|&;]/.test(w) || w === "" ? undefined : w;
}

/**
 * Programs a shell script runs by a literal name: `exec NAME` anywhere, and commands given by a path. `exec "$@"`
 * runs the script's arguments (the image's Cmd after an entrypoint script).
 */
function scriptTargets(text: string): { names: string[]; execArgs: boolean } {
  const names: string[] = [];
  let execArgs = false;
  const lines = text.replace(/\\\n/g, " ").split("\n");
  for (const line of lines) {
    const body = line.replace(/^\s*#.*$/, "");
    for (const segment of body.split(/;|&&|\|\||\|/)) {
      const words = segment.trim().split(/\s+/).filter((w) => w !== "");
      while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] as string)) words.shift();
      if (words.length === 0) continue;
      if (words[0] === "exec") {
        const rest = words.slice(1).filter((w) => !w.startsWith("-"));
        const first = rest[0];
        if (first === undefined) continue;
        if (first === '"$@"' || first === "$@") {
          execArgs = true;
          continue;
        }
        const w = literal(first);
        if (w !== undefined) names.push(w);
      } else {
        const w = literal(words[0] as string);
        if (w !== undefined && (w.startsWith("/") || w.startsWith("./"))) names.push(w);
      }
    }
  }
  return { names, execArgs };
}

/** The programs the configuration runs, entrypoint first, scripts followed to what they name literally. */
function imageStory(view: MemView, config: ImageConfig): ImageProgram[] {
  const env = new Map(config.env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] as const));
  const pathDirs = (env.get("PATH") ?? DEFAULT_PATH).split(":").filter((d) => d.startsWith("/"));
  const cwd = config.workingDir !== "" ? config.workingDir : "/";
  const argv = config.entrypoint.length > 0 ? [...config.entrypoint, ...config.cmd] : [...config.cmd];
  const out: ImageProgram[] = [];
  const seen = new Set<string>();
  const add = (name: string, role: ImageProgram["role"], from: string | undefined, args: readonly string[], depth: number): void => {
    const path = findProgram(view, name, pathDirs, cwd);
    if (path === undefined) {
      const p: ImageProgram = { path: name, role, kind: "missing" };
      if (from !== undefined) p.from = from;
      if (!out.some((o) => o.path === name && o.kind === "missing")) out.push(p);
      return;
    }
    if (seen.has(path)) return;
    seen.add(path);
    const data = view.readFile(path);
    const kind: ImageProgram["kind"] = isElfMagic(data) ? "elf" : "script";
    const p: ImageProgram = { path, role, kind };
    if (from !== undefined) p.from = from;
    out.push(p);
    if (kind !== "script" || data === undefined || depth >= MAX_SCRIPT_DEPTH) return;
    const text = data.toString("utf8", 0, Math.min(data.length, SCRIPT_TEXT));
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
    if (shebang !== null) {
      // "#!/usr/bin/env sh": the interpreter is the named program.
      const interp = shebang[1] === "/usr/bin/env" && shebang[2] !== undefined ? shebang[2] : (shebang[1] as string);
      add(interp, "interpreter", path, [], depth + 1);
    }
    const targets = scriptTargets(text.replace(/^#!.*\n/, ""));
    for (const n of targets.names) add(n, "exec", path, [], depth + 1);
    if (targets.execArgs && args[0] !== undefined) {
      const w = literal(args[0]);
      if (w !== undefined) add(w, "exec", path, args.slice(1), depth + 1);
    }
  };
  const first = argv[0];
  if (first === undefined) return out;
  add(first, "entrypoint", undefined, argv.slice(1), 0);
  // Shell form ("/bin/sh -c 'exec nginx …'"): the command string is a script of its own.
  const c = argv.indexOf("-c");
  const shell = out[0];
  if (shell !== undefined && shell.kind === "elf" && c >= 1 && argv[c + 1] !== undefined) {
    const targets = scriptTargets(argv[c + 1] as string);
    for (const n of targets.names) add(n, "exec", shell.path, [], 1);
  }
  return out;
}

/**
 * The code a file's report depends on: this module and every module it imports, transitively (the ELF reader, the
 * analysis, the rules, the rating), hashed once: a fix in any of them never serves an older report.
 */
function packageCodeHash(): string {
  return codeKey([import.meta.url]);
}

const mapsAsArrays = (_k: string, v: unknown): unknown => (v instanceof Map ? [...v] : v instanceof Set ? [...v] : v instanceof RegExp ? String(v) : v);

/** Scans an image or root file system; a corrupt, truncated or oversized one is one error line. */
export async function scanImage(path: string, db: Database, surfaces: readonly Surface[], rules: readonly Rule[], options: ImageScanOptions = {}): Promise<ImageScan> {
  let opened;
  try {
    opened = await openImage(path, { ...(options.platform !== undefined ? { platform: options.platform } : {}), ...(options.limits !== undefined ? { limits: options.limits } : {}) }, options.rootfs === true);
  } catch (e) {
    if (e instanceof ImageError) return { files: [], errors: [{ path, code: e.code, message: e.message }] };
    if (typeof (e as { code?: unknown }).code === "string") return { files: [], errors: [{ path, code: errnoCode(e), message: `cannot read: ${(e as Error).message}` }] };
    throw e;
  }
  try {
    return await scanOpened(path, opened, db, surfaces, rules, options);
  } finally {
    opened.close();
  }
}

/** Scans an opened image: its story, its ELF files (cached, on the pool), its verdicts. */
async function scanOpened(path: string, opened: OpenedImage, db: Database, surfaces: readonly Surface[], rules: readonly Rule[], options: ImageScanOptions): Promise<ImageScan> {
  const view = opened.view;
  const errors: InputError[] = opened.problems.map((p) => ({ path, code: p.code, message: p.message }));
  const elfPaths = view.files().filter((p) => isElfMagic(view.head(p)));
  const programs = opened.config !== undefined ? imageStory(view, opened.config) : [];
  for (const p of programs) {
    if (p.kind === "missing") errors.push({ path, code: "MISSING_PROGRAM", message: `${p.role === "entrypoint" ? "the entrypoint" : `${p.from ?? "the image"} runs`} ${p.path}, which the image does not hold` });
  }

  // What every file's report may depend on besides its own bytes: the image's ELF files (its libraries), the
  // loader's configuration, the code, the database, the targets and the rules.
  const ctx = createHash("sha256").update(packageCodeHash()).update(options.libraries === false ? "maps" : "libs");
  ctx.update(JSON.stringify(surfaces, mapsAsArrays)).update(JSON.stringify(rules, mapsAsArrays));
  for (const p of elfPaths) ctx.update(`${p}\u0000${view.file(p)?.hash ?? ""}\u0000`);
  for (const p of view.files()) if (p.startsWith("/etc/ld.so.conf") || p.startsWith("/etc/ld-musl-")) ctx.update(`${p}\u0000`).update(view.readFile(p) ?? "");
  const context = ctx.digest("hex");

  const label = (p: string): string => `${path}:${p}`;
  const session = options.session ?? new LibrarySession();
  const libraries = options.libraries !== false;
  const local: ImageFileContext = { db, surfaces, rules, libraries, session };
  // Files go to the worker pool when the scan has one for this many files (the pool is started at the first file
  // not found in the cache: a warm scan starts no worker), else they are analysed here, one at a time.
  let pool: BudgetedPool | undefined | null = null;
  const poolFor = (): BudgetedPool | undefined => (pool === null ? (pool = options.pool?.(elfPaths.length)) : pool);
  const analyse = async (p: string, key: string): Promise<ImageFileResult | InputError> => {
    const workers = poolFor();
    if (workers === undefined) return analyseImageFile(view, p, label(p), key, local);
    // The worker reads the file (and the libraries it loads) where the view locates it: the archive where the layer
    // is uncompressed, else the scratch file; only the view's nodes go with the task.
    const task = { kind: "image" as const, path: p, label: label(p), key, libraries, view: view.share() };
    return workers.run<ImageFileResult>(task, { path: label(p), kind: "elf", size: view.file(p)?.size ?? 0 });
  };
  // Reports kept for the twins still to come (same bytes, other paths), and dropped when the last has its copy.
  const twinsLeft = new Map<string, number>();
  for (const p of elfPaths) {
    const h = view.file(p)?.hash;
    if (h !== undefined) twinsLeft.set(h, (twinsLeft.get(h) ?? 0) + 1);
  }
  const byHash = new Map<string, Promise<ImageFileResult | InputError>>();
  // The stored reports are read into a few buffers used again and again: at most the files in flight hold one each.
  const buffers = new RecycledBuffers();
  const scanOne = async (p: string): Promise<ImageFileResult | InputError> => {
    const f = view.file(p);
    if (f === undefined || f.hash === undefined) return { path: label(p), code: "EIO", message: "no bytes kept" };
    const left = (twinsLeft.get(f.hash) ?? 1) - 1;
    twinsLeft.set(f.hash, left);
    const twin = byHash.get(f.hash);
    if (left <= 0) byHash.delete(f.hash);
    const key = createHash("sha256").update(`${context}\u0000${p}\u0000${f.hash}`).digest("hex").slice(0, 40);
    let into: Buffer | undefined;
    const stored = readCachedBytes("file", key, (size) => (into = buffers.take(size)));
    const cached = stored !== undefined && into !== undefined ? fromCache(stored, label(p), into) : undefined;
    if (cached !== undefined) return cached;
    if (into !== undefined) buffers.give(into);
    // The same bytes under another path: the same report, unless its library search starts from its own directory.
    if (twin !== undefined) {
      const first = await twin;
      const reused = "code" in first || !first.portable ? undefined : underPath(first, label(p));
      if (reused !== undefined) {
        // Stored under its own key too: a warm scan finds every file in the cache, and starts no worker.
        const meta: StoredMeta = { verdicts: reused.verdicts.targets, libraries: reused.libraries };
        writeCachedText("file", key, `${JSON.stringify(meta)}\n${EMPTY_PATH}${reused.json.slice(`{"path":${JSON.stringify(label(p))}`.length)}`);
        return reused;
      }
    }
    const made = analyse(p, key);
    if (left > 0) byHash.set(f.hash, made);
    return made;
  };
  const runs = programs.filter((p) => p.kind === "elf").map((p) => p.path);
  // What the programs load at run time (dlopen) from the image: part of what runs, so it decides the verdict too.
  const plugins: ImagePlugin[] = [];
  const pluginLoads = new Set<string>();
  if (options.libraries !== false) {
    for (const p of runs) {
      const bytes = view.readFile(p);
      if (bytes === undefined) continue;
      let elf;
      try {
        elf = readElf(bytes);
      } catch {
        continue; // its own scan reports the damage
      }
      if (elf.machine === "other") continue;
      const found = findPlugins(session, view, p, bytes, elf, elf.machine);
      plugins.push(...found.plugins);
      for (const l of found.loads) pluginLoads.add(l);
    }
  }
  const real = (p: string): string => view.resolve(p) ?? p;
  const decides = new Set([...runs, ...plugins.map((p) => real(p.path))]);
  const files: FileReport[] = [];
  const counts = new Map(surfaces.map((s) => [s.name, { compatible: 0, warnings: 0, blocked: 0, unknown: 0 }]));
  const worstAll = new Map<string, Verdict[]>(surfaces.map((s) => [s.name, []]));
  const worstRun = new Map<string, Verdict[]>(surfaces.map((s) => [s.name, []]));
  const loads = new Set<string>();
  const scanned = new Set<string>();
  let done = 0;
  const total = elfPaths.length;
  /** Starts one file (the progress line counts it then); its report is handed on in the list's order. */
  const start = (p: string): Promise<ImageFileResult | InputError> => {
    options.onFile?.({ path: label(p), kind: "elf", size: view.file(p)?.size ?? 0 }, done++, total);
    return scanOne(p).catch((e: unknown) => ({ path: label(p), code: "INTERNAL" as const, message: `internal error: ${(e as Error).message}` }));
  };
  const deliver = (p: string, r: ImageFileResult | InputError): void => {
    if ("code" in r) {
      errors.push(r);
      return;
    }
    for (const t of r.verdicts.targets) {
      const c = counts.get(t.target);
      if (c !== undefined) c[t.verdict]++;
      worstAll.get(t.target)?.push(t.verdict);
      if (decides.has(p)) worstRun.get(t.target)?.push(t.verdict);
    }
    if (runs.includes(p)) {
      for (const l of r.libraries) {
        const real = view.resolve(l);
        if (real !== undefined) loads.add(real);
      }
    }
    const out: MadeReport = { verdicts: r.verdicts, json: r.json };
    if (r.report !== undefined) out.report = r.report;
    if (options.onReport !== undefined) options.onReport(out);
    else files.push(r.report ?? (JSON.parse(fileJsonText(r.json)) as FileReport));
    if (r.recycle !== undefined) buffers.give(r.recycle);
  };
  /** Scans the files not scanned yet, in order: the programs first, then their libraries, then the rest. */
  const scanAll = (list: readonly string[]): Promise<void> => {
    const todo: string[] = [];
    for (const p of list) {
      if (scanned.has(p)) continue;
      scanned.add(p);
      todo.push(p);
    }
    return inOrder(todo, start, deliver, () => (pool === null || pool === undefined ? 1 : pool.jobs * FILES_AHEAD_PER_JOB));
  };
  await scanAll(runs);
  for (const p of plugins) loads.add(real(p.path));
  for (const l of pluginLoads) loads.add(real(l));
  const elfSet = new Set(elfPaths);
  await scanAll([...[...loads].sort().filter((l) => elfSet.has(l)), ...elfPaths]);

  const ranAny = runs.some((p) => scanned.has(p)) && [...worstRun.values()].some((v) => v.length > 0);
  const image: ImageReport = {
    path,
    kind: opened.kind,
    layers: opened.layers,
    argv: opened.config === undefined ? [] : [...opened.config.entrypoint, ...opened.config.cmd],
    programs,
    loads: [...loads].sort(),
    plugins,
    elfFiles: elfPaths.length,
    verdicts: surfaces.map((s) => {
      const over = (ranAny ? worstRun : worstAll).get(s.name) ?? [];
      return { target: s.name, verdict: over.length === 0 ? "unknown" : worstVerdict(over), decidedBy: ranAny ? "programs" : "all-files", files: counts.get(s.name) as Record<Verdict, number> };
    }),
  };
  if (opened.platform !== undefined) image.platform = opened.platform;
  if (opened.config !== undefined && opened.config.workingDir !== "") image.workingDir = opened.config.workingDir;
  return { files, errors, image };
}
