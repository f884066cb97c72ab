// @fileoverview Loads syscall-db/ and validates every row at load time (gVisor's registration does the same):
// unknown syscall names, missing evidence, partial/stub/enosys rows without a note and incomplete surfaces are errors.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parse } from "yaml";
import { codeKey } from "../cache/code-key.js";
import { readCachedJson, writeCachedJson } from "../cache/store.js";
import { DbError } from "./errors.js";
import { ERRNO } from "./errno.js";
import { ARG_SPECS, OTHER, argFirstOther, argLabel, argValueNumber } from "./args.js";
import { loadFallbacks } from "./fallbacks.js";
import { packageInfo } from "../util/package-root.js";
import type { Arch, Status } from "../types.js";
import type { ArgRule, Database, Hints, LibcFunction, LibcMap, Runs, Surface, SurfaceRow, SyscallRef, SyscallTable, Upstream } from "./types.js";

export const ARCHES: readonly Arch[] = ["x86_64", "aarch64"];
export const STATUSES: readonly Status[] = ["full", "partial", "stub", "enosys", "absent"];
/** What it takes to run a program on a target (the `runs` field); linux-binary targets are the default selection. */
const RUNS: readonly Runs[] = ["linux-binary", "rebuild", "rewrite"];
const NEEDS_NOTE: ReadonlySet<Status> = new Set(["partial", "stub", "enosys"]);
/** The closed mode vocabulary (docs/syscall-db.md). */
export const MODES: Readonly<Record<string, readonly string[]>> = {
  clone: ["thread", "process"],
  clone3: ["thread", "process"],
  // kill to the program's own pid, or to another process (a worker, a process group, everyone)
  kill: ["self", "other"],
  // tgkill's tgid: the program's own pid, or another process
  tgkill: ["self", "other"],
};

/** syscall-db/ of this package. */
function defaultDatabaseDir(): string {
  return join(packageInfo().root, "syscall-db");
}

type Obj = Record<string, unknown>;

function readYaml(file: string): Obj {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new DbError(file, `cannot read: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 0 });
  } catch (e) {
    throw new DbError(file, `invalid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (!isObj(doc)) throw new DbError(file, "expected a mapping at the top level");
  return doc;
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(file: string, o: Obj, key: string, where = ""): string {
  const v = o[key];
  if (typeof v !== "string" || v.trim() === "") throw new DbError(file, `${where}missing or empty "${key}"`);
  return v;
}

function optStr(file: string, o: Obj, key: string, where = ""): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v.trim() === "") throw new DbError(file, `${where}"${key}" must be a non-empty string`);
  return v;
}

function loadTable(dir: string, arch: Arch): SyscallTable {
  const file = join(dir, "linux", `${arch}.yaml`);
  const doc = readYaml(file);
  if (doc.arch !== arch) throw new DbError(file, `arch is ${String(doc.arch)}, expected ${arch}`);
  const source = isObj(doc.source) ? doc.source : {};
  const rows = doc.syscalls;
  if (!Array.isArray(rows) || rows.length === 0) throw new DbError(file, "no syscalls");
  const byName = new Map<string, { nr: number; line: number }>();
  const byNr = new Map<number, string>();
  for (const r of rows) {
    if (!isObj(r) || typeof r.name !== "string" || typeof r.nr !== "number" || typeof r.line !== "number") {
      throw new DbError(file, `bad row ${JSON.stringify(r)}`);
    }
    if (byName.has(r.name) || byNr.has(r.nr)) throw new DbError(file, `duplicate syscall ${r.name} (${r.nr})`);
    byName.set(r.name, { nr: r.nr, line: r.line });
    byNr.set(r.nr, r.name);
  }
  return { arch, package: str(file, source, "package"), version: str(file, source, "version"), byName, byNr };
}

function loadUpstream(file: string, o: unknown): Upstream {
  if (!isObj(o)) throw new DbError(file, "missing upstream");
  const up: Upstream = { how: str(file, o, "how", "upstream: ") };
  const repo = optStr(file, o, "repo", "upstream: ");
  const commit = optStr(file, o, "commit", "upstream: ");
  const pkg = optStr(file, o, "package", "upstream: ");
  const version = optStr(file, o, "version", "upstream: ");
  const date = o.date instanceof Date ? o.date.toISOString().slice(0, 10) : optStr(file, o, "date", "upstream: ");
  if (repo !== undefined) {
    if (commit === undefined || !/^[0-9a-f]{40}$/.test(commit)) throw new DbError(file, "upstream: repo needs a 40-hex commit");
    up.repo = repo;
    up.commit = commit;
  } else if (pkg !== undefined && version !== undefined) {
    up.package = pkg;
    up.version = version;
  } else {
    throw new DbError(file, "upstream: needs repo + commit, or package + version");
  }
  if (date !== undefined) up.date = date;
  return up;
}

function status(file: string, v: unknown, where: string): Status {
  if (typeof v !== "string" || !(STATUSES as readonly string[]).includes(v)) {
    throw new DbError(file, `${where}status must be one of ${STATUSES.join(", ")} (got ${JSON.stringify(v)})`);
  }
  return v as Status;
}

/** One surface row, validated (used for the syscalls mapping and for a build profile's own rows). */
function parseRow(file: string, table: SyscallTable, sc: string, raw: unknown, where: string): SurfaceRow {
  if (!table.byName.has(sc)) throw new DbError(file, `${where}not a syscall of ${table.arch}`);
  if (!isObj(raw)) throw new DbError(file, `${where}expected a mapping`);
  const row: SurfaceRow = { status: status(file, raw.status, where), at: str(file, raw, "at", where) };
  if (!/^[^:\s]+:\d+(-\d+)?$/.test(row.at)) throw new DbError(file, `${where}"at" must be path:line or path:start-end`);
  const note = optStr(file, raw, "note", where);
  if (note !== undefined) row.note = note;
  if (NEEDS_NOTE.has(row.status) && note === undefined) throw new DbError(file, `${where}a ${row.status} row needs a note`);
  Object.assign(row, repoCommit(file, raw, where));
  const library = optStr(file, raw, "library", where);
  if (library !== undefined) row.library = library;
  if (raw.notMade !== undefined) {
    if (!isObj(raw.notMade)) throw new DbError(file, `${where}notMade must be a mapping with at and note`);
    const at = str(file, raw.notMade, "at", `${where}notMade: `);
    if (!/^[^:\s]+:\d+(-\d+)?$/.test(at)) throw new DbError(file, `${where}notMade: "at" must be path:line or path:start-end`);
    row.notMade = { at, note: str(file, raw.notMade, "note", `${where}notMade: `) };
  }
  if (raw.modes !== undefined) {
    if (!isObj(raw.modes)) throw new DbError(file, `${where}modes must be a mapping`);
    const allowed = MODES[sc] ?? [];
    const modes: Record<string, Status> = {};
    for (const [m, s] of Object.entries(raw.modes)) {
      if (!allowed.includes(m)) throw new DbError(file, `${where}unknown mode "${m}" (allowed: ${allowed.join(", ") || "none"})`);
      modes[m] = status(file, s, `${where}mode ${m}: `);
    }
    row.modes = modes;
  }
  if (raw.args !== undefined) row.args = parseArgs(file, sc, raw.args, where);
  if (raw.errno !== undefined) {
    if (typeof raw.errno !== "string" || ERRNO[raw.errno] === undefined) throw new DbError(file, `${where}errno must be one of ${Object.keys(ERRNO).join(", ")} (got ${JSON.stringify(raw.errno)})`);
    const refused = (s: Status): boolean => s === "enosys" || s === "absent";
    if (!refused(row.status) && !Object.values(row.modes ?? {}).some(refused)) throw new DbError(file, `${where}errno is for rows (or modes) that are enosys or absent`);
    row.errno = raw.errno;
  }
  return row;
}

/** A row's or an argument rule's own repository (both fields or neither; the commit as 40 hex), or nothing. */
function repoCommit(file: string, raw: Obj, where: string): { repo: string; commit: string } | Record<string, never> {
  const repo = optStr(file, raw, "repo", where);
  const commit = optStr(file, raw, "commit", where);
  if ((repo === undefined) !== (commit === undefined)) throw new DbError(file, `${where}repo and commit go together`);
  if (repo === undefined || commit === undefined) return {};
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new DbError(file, `${where}commit must be 40 hex`);
  return { repo, commit };
}

/**
 * A row's argument rules: keys from the syscall's vocabulary (src/db/args.ts) or "other" (for a pair, also
 * "FIRST/other"), each with status and at.
 */
function parseArgs(file: string, sc: string, raw: unknown, where: string): Record<string, ArgRule> {
  const spec = ARG_SPECS.get(sc);
  if (spec === undefined) throw new DbError(file, `${where}args: ${sc} has no argument vocabulary (src/db/args.ts: ${[...ARG_SPECS.keys()].join(", ")})`);
  if (!isObj(raw)) throw new DbError(file, `${where}args must be a mapping of ${spec.arg} values`);
  const out: Record<string, ArgRule> = {};
  for (const [key, v] of Object.entries(raw)) {
    const w = `${where}args ${key}: `;
    if (key !== OTHER && argValueNumber(sc, key) === undefined && argFirstOther(sc, key) === undefined) {
      throw new DbError(file, `${w}not a ${argLabel(spec)} value of ${sc} (src/db/args.ts)${spec.second !== undefined ? `: write ${spec.arg.toUpperCase()}/NAME, ${spec.arg.toUpperCase()}/other or other` : ""}`);
    }
    if (!isObj(v)) throw new DbError(file, `${w}expected a mapping with status and at`);
    const rule: ArgRule = { status: status(file, v.status, w), at: str(file, v, "at", w) };
    if (!/^[^:\s]+:\d+(-\d+)?$/.test(rule.at)) throw new DbError(file, `${w}"at" must be path:line or path:start-end`);
    Object.assign(rule, repoCommit(file, v, w));
    const note = optStr(file, v, "note", w);
    if (note !== undefined) rule.note = note;
    if (v.errno !== undefined) {
      if (typeof v.errno !== "string" || ERRNO[v.errno] === undefined) throw new DbError(file, `${w}errno must be one of ${Object.keys(ERRNO).join(", ")}`);
      if (rule.status !== "enosys" && rule.status !== "absent") throw new DbError(file, `${w}errno is for values that are enosys or absent`);
      rule.errno = v.errno;
    }
    if ((rule.status === "stub" || rule.status === "partial") && note === undefined) throw new DbError(file, `${w}a ${rule.status} value needs a note`);
    out[key] = rule;
  }
  return out;
}

function loadSurface(
  file: string,
  table: SyscallTable,
  others: ReadonlyMap<string, Surface> = new Map(),
  options: { anyFileName?: boolean } = {},
): Surface {
  const doc = readYaml(file);
  const name = str(file, doc, "target");
  if (!options.anyFileName && name !== basename(file, ".yaml")) throw new DbError(file, `target "${name}" does not match the file name`);
  const pm = str(file, doc, "process-model");
  if (pm !== "single-process" && pm !== "multi-process") throw new DbError(file, `bad process-model "${pm}"`);
  const runs = doc.runs;
  if (typeof runs !== "string" || !(RUNS as readonly string[]).includes(runs)) {
    throw new DbError(file, `runs must be one of ${RUNS.join(", ")} (got ${JSON.stringify(runs)})`);
  }
  if (doc.arch !== table.arch) throw new DbError(file, `arch must be ${table.arch}`);
  const head = { name, title: str(file, doc, "title"), kind: str(file, doc, "kind"), processModel: pm, runs: runs as Runs, summary: str(file, doc, "summary").trim(), arch: table.arch } as const;
  if (doc.profiles !== undefined && !isObj(doc.profiles)) throw new DbError(file, "profiles must be a mapping");
  const aliasOf = optStr(file, doc, "alias-of");
  if (aliasOf !== undefined) {
    // Another target under a new name: same rows and evidence.
    const of = others.get(aliasOf);
    if (of === undefined) throw new DbError(file, `alias-of: no target "${aliasOf}" (aliases load after the targets they name)`);
    return { ...head, upstream: of.upstream, rows: of.rows, aliasOf: of.name };
  }
  const upstream = loadUpstream(file, doc.upstream);
  if (doc.posix === "none") {
    // No POSIX surface at all: every syscall is absent, for the one documented reason.
    const statement = str(file, doc, "statement");
    const at = str(file, doc, "at");
    const rows = new Map<string, SurfaceRow>();
    for (const sc of table.byName.keys()) rows.set(sc, { status: "absent", at, note: statement });
    return { ...head, upstream, rows, noPosix: statement };
  }
  if (!isObj(doc.syscalls)) throw new DbError(file, "missing syscalls mapping");
  const rows = new Map<string, SurfaceRow>();
  for (const [sc, raw] of Object.entries(doc.syscalls)) rows.set(sc, parseRow(file, table, sc, raw, `${sc}: `));
  const missing = [...table.byName.keys()].filter((n) => !rows.has(n));
  if (missing.length > 0) throw new DbError(file, `${missing.length} syscalls not listed: ${missing.slice(0, 8).join(", ")}${missing.length > 8 ? ", …" : ""}`);
  return { ...head, upstream, rows };
}

/**
 * A configurable target's build profiles (Unikraft: which libraries are enabled). Each profile is a surface of its
 * own: a row whose library the profile does not enable becomes absent. The "default" profile keeps the target's
 * name; the others are named target:profile. A profile can also replace rows (`rows:`), for options that change
 * how an enabled library behaves rather than whether it is linked (Unikraft's vfork/execve options), read at its own
 * `upstream:` commit; the other rows then keep citing the target's commit.
 */
function expandProfiles(file: string, base: Surface, table: SyscallTable): Surface[] {
  const doc = readYaml(file);
  if (doc.profiles === undefined) return [base];
  if (!isObj(doc.profiles) || !isObj(doc.profiles.default)) throw new DbError(file, "profiles: needs a default profile");
  const out: Surface[] = [];
  const used = new Set([...base.rows.values()].map((r) => r.library).filter((l): l is string => l !== undefined));
  const known = new Set<string>();
  for (const [pname, raw] of Object.entries(doc.profiles)) {
    const where = `profiles.${pname}: `;
    if (!isObj(raw)) throw new DbError(file, `${where}expected a mapping`);
    const libs = raw.libraries;
    if (!Array.isArray(libs)) throw new DbError(file, `${where}libraries must be a list`);
    const profile = {
      description: str(file, raw, "description", where),
      libraries: new Set(libs.map(String)),
      at: str(file, raw, "at", where),
      repo: optStr(file, raw, "repo", where) ?? base.upstream.repo,
      commit: optStr(file, raw, "commit", where) ?? base.upstream.commit,
    };
    const kconfig = raw.kconfig;
    if (kconfig !== undefined && (!Array.isArray(kconfig) || kconfig.some((k) => typeof k !== "string" || !/^CONFIG_[A-Z0-9_]+(=\S+)?$/.test(k)))) {
      throw new DbError(file, `${where}kconfig must be a list of CONFIG_ options`);
    }
    const pm = raw["process-model"] ?? base.processModel;
    if (pm !== "single-process" && pm !== "multi-process") throw new DbError(file, `${where}bad process-model ${JSON.stringify(pm)}`);
    const upstream = raw.upstream === undefined ? base.upstream : loadUpstream(file, raw.upstream);
    if (raw.rows !== undefined && raw.upstream === undefined) throw new DbError(file, `${where}rows need the profile's own upstream (where they were read)`);
    for (const l of profile.libraries) known.add(l);
    const rows = new Map<string, SurfaceRow>();
    for (const [sc, row] of base.rows) {
      if (row.library === undefined || profile.libraries.has(row.library)) {
        // Under the profile's own upstream, a row read at the target's commit has to say so.
        const { repo, commit } = base.upstream; // loadUpstream has checked that a repo comes with its commit
        const cite = upstream !== base.upstream && row.repo === undefined && repo !== undefined && commit !== undefined;
        rows.set(sc, cite ? { ...row, repo, commit } : row);
      } else {
        rows.set(sc, {
          status: "absent",
          at: row.at,
          ...(row.repo !== undefined && row.commit !== undefined ? { repo: row.repo, commit: row.commit } : {}),
          library: row.library,
          note: `provided by ${row.library}, which the ${pname} profile does not enable: the syscall shim returns -ENOSYS`,
        });
      }
    }
    if (raw.rows !== undefined) {
      if (!isObj(raw.rows)) throw new DbError(file, `${where}rows must be a mapping`);
      for (const [sc, r] of Object.entries(raw.rows)) {
        const row = parseRow(file, table, sc, r, `${where}${sc}: `);
        if (row.library !== undefined && !profile.libraries.has(row.library)) {
          throw new DbError(file, `${where}${sc}: library "${row.library}" is not enabled by the profile`);
        }
        rows.set(sc, row);
      }
    }
    out.push({
      ...base,
      name: pname === "default" ? base.name : `${base.name}:${pname}`,
      title: `${base.title.replace(/\s*\(.*\)$/, "")} (${pname} profile: ${profile.description})`,
      processModel: pm,
      upstream,
      rows,
      profile: {
        name: pname,
        description: profile.description,
        evidence: `${profile.repo}@${profile.commit?.slice(0, 12)}:${profile.at}`,
        ...(kconfig !== undefined ? { kconfig: (kconfig as string[]).slice() } : {}),
      },
    });
  }
  for (const l of used) if (!known.has(l)) throw new DbError(file, `library "${l}" is used by a row but enabled by no profile`);
  return out;
}

function refs(file: string, v: unknown, table: SyscallTable, where: string): SyscallRef[] {
  if (!Array.isArray(v)) throw new DbError(file, `${where}expected a list of syscalls`);
  const out: SyscallRef[] = [];
  for (const item of v) {
    if (typeof item !== "string") throw new DbError(file, `${where}bad entry ${JSON.stringify(item)}`);
    const [name = "", mode, extra] = item.split(":");
    if (extra !== undefined || !table.byName.has(name)) throw new DbError(file, `${where}"${item}" is not a ${table.arch} syscall`);
    if (mode !== undefined && !(MODES[name] ?? []).includes(mode)) throw new DbError(file, `${where}unknown mode in "${item}"`);
    out.push(mode === undefined ? { name } : { name, mode });
  }
  return out;
}

function names(file: string, v: unknown, where: string): Set<string> {
  if (v === undefined) return new Set();
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw new DbError(file, `${where}expected a list of syscall names`);
  return new Set(v as string[]);
}

function loadLibcMap(file: string, tables: Readonly<Record<Arch, SyscallTable>>): LibcMap {
  const doc = readYaml(file);
  const libc = str(file, doc, "libc");
  if (libc !== basename(file, ".yaml")) throw new DbError(file, `libc "${libc}" does not match the file name`);
  const startupRaw = isObj(doc.startup) ? doc.startup : undefined;
  if (startupRaw === undefined) throw new DbError(file, "missing startup");
  const startup = {
    why: str(file, startupRaw, "why", "startup: ").trim(),
    x86_64: refs(file, startupRaw.x86_64, tables.x86_64, "startup.x86_64: "),
    aarch64: refs(file, startupRaw.aarch64 ?? [], tables.aarch64, "startup.aarch64: "),
    tolerated: names(file, startupRaw.tolerated, "startup.tolerated: "),
  };
  const tol = isObj(doc.tolerated) ? doc.tolerated : { why: "none", names: [] };
  const tolerated = { why: str(file, tol, "why", "tolerated: ").trim(), names: names(file, tol.names, "tolerated.names: ") };
  const pureRaw = isObj(doc.pure) ? doc.pure : { why: "none", names: [] };
  const pure = { why: str(file, pureRaw, "why", "pure: ").trim(), names: names(file, pureRaw.names, "pure.names: ") };
  if (!isObj(doc.functions)) throw new DbError(file, "missing functions");
  const functions = new Map<string, LibcFunction>();
  for (const [fn, raw] of Object.entries(doc.functions)) {
    if (!isObj(raw)) throw new DbError(file, `${fn}: expected a mapping`);
    const x86_64 = refs(file, raw.x86_64, tables.x86_64, `${fn}.x86_64: `);
    const aarch64 = refs(file, raw.aarch64, tables.aarch64, `${fn}.aarch64: `);
    const conditional = names(file, raw.conditional, `${fn}.conditional: `);
    const listed = new Set([...x86_64, ...aarch64].map((r) => r.name));
    for (const c of conditional) if (!listed.has(c)) throw new DbError(file, `${fn}.conditional: ${c} is not in the function's lists`);
    functions.set(fn, { x86_64, aarch64, conditional, how: str(file, raw, "how", `${fn}: `) });
  }
  for (const fn of pure.names) if (functions.has(fn)) throw new DbError(file, `pure.names: ${fn} also has a syscall list`);
  return { libc, version: optStr(file, doc, "version") ?? "", startup, tolerated, pure, functions };
}

function loadHints(file: string, tables: Readonly<Record<Arch, SyscallTable>>): Hints {
  const doc = readYaml(file);
  const hints = new Map<string, Record<string, string>>();
  for (const [key, raw] of Object.entries(doc)) {
    const [name = "", mode] = key.split(":");
    if (!tables.x86_64.byName.has(name) && !tables.aarch64.byName.has(name)) throw new DbError(file, `${key}: unknown syscall`);
    if (mode !== undefined && !(MODES[name] ?? []).includes(mode)) throw new DbError(file, `${key}: unknown mode`);
    if (!isObj(raw)) throw new DbError(file, `${key}: expected a mapping of process model → hint`);
    const byModel: Record<string, string> = {};
    for (const [model, text] of Object.entries(raw)) {
      if (!["any", "single-process", "multi-process"].includes(model)) throw new DbError(file, `${key}: unknown process model "${model}"`);
      if (typeof text !== "string") throw new DbError(file, `${key}.${model}: expected text`);
      byModel[model] = text.trim();
    }
    hints.set(key, byModel);
  }
  return hints;
}

function yamlFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new DbError(dir, `cannot read the directory: ${(e as Error).message}`);
  }
  return names
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => join(dir, f));
}

/** The stored shape of a parsed database (its JSON in the cache). */
const FORMAT = 3;

/**
 * The key of a parsed database in the cache: a hash of its YAML files (names and contents), of the stored format
 * and of the loader's code (`loaderVersion`). Parsing the YAML takes over a second, reading the cached copy milliseconds; the YAML stays the
 * reviewed source.
 */
export function databaseHash(dir: string, loaderVersion: string): string {
  const h = createHash("sha256").update(`${FORMAT}:${loaderVersion}`);
  for (const sub of ["linux", "targets", "libc", "fallbacks", "."]) {
    let names: string[] = [];
    try {
      // fallbacks/schema.json is part of the validation, so a change to it must re-validate.
      names = readdirSync(join(dir, sub)).filter((f) => f.endsWith(".yaml") || (sub === "fallbacks" && f === "schema.json")).sort();
    } catch {
      continue;
    }
    for (const n of names) h.update(`${sub}/${n}\u0000`).update(readFileSync(join(dir, sub, n)));
  }
  return h.digest("hex").slice(0, 32);
}

/**
 * Loads and validates the whole database. Throws DbError on the first invalid file. A validated copy is cached as
 * JSON by content hash (databaseHash); `options.cache: false` always parses the YAML.
 */
export function loadDatabase(dir: string = defaultDatabaseDir(), options: { cache?: boolean } = {}): Database {
  const root = resolve(dir);
  const useCache = options.cache ?? process.env.UNIFIT_NO_CACHE === undefined;
  // The loader's code (this module and what it imports) is part of the key: a fix in the loader re-parses.
  const hash = useCache ? databaseHash(root, codeKey([import.meta.url])) : "";
  if (useCache) {
    const cached = readCachedJson<Database>("db", hash);
    if (cached !== undefined && cached.dir === root) return cached;
  }
  const db = parseDatabase(root);
  if (useCache) writeCachedJson("db", hash, db);
  return db;
}

function parseDatabase(root: string): Database {
  const tables = { x86_64: loadTable(root, "x86_64"), aarch64: loadTable(root, "aarch64") };
  const surfaces = new Map<string, Surface>();
  const files = yamlFiles(join(root, "targets"));
  const isAlias = (f: string): boolean => /^alias-of:/m.test(readFileSync(f, "utf8"));
  for (const file of [...files.filter((f) => !isAlias(f)), ...files.filter(isAlias)]) {
    for (const s of expandProfiles(file, loadSurface(file, tables.x86_64, surfaces), tables.x86_64)) surfaces.set(s.name, s);
  }
  const libcs = new Map<string, LibcMap>();
  for (const file of yamlFiles(join(root, "libc"))) {
    const m = loadLibcMap(file, tables);
    libcs.set(m.libc, m);
  }
  const hints = loadHints(join(root, "hints.yaml"), tables);
  return { dir: root, tables, surfaces, libcs, hints, fallbacks: loadFallbacks(join(root, "fallbacks"), tables) };
}

/** "repo@commit:path:line" for a row, falling back to the surface's upstream. */
/** Where one argument rule of a row is visible upstream (its own repository, or the row's). */
export function argEvidence(surface: Surface, row: SurfaceRow, rule: ArgRule): string {
  return rowEvidence(surface, { ...row, at: rule.at, ...(rule.repo !== undefined ? { repo: rule.repo, commit: rule.commit as string } : {}) });
}

export function rowEvidence(surface: Surface, row: SurfaceRow): string {
  const up = surface.upstream;
  if (row.repo !== undefined) return `${row.repo}@${row.commit?.slice(0, 12)}:${row.at}`;
  if (up.repo !== undefined) return `${up.repo}@${up.commit?.slice(0, 12)}:${row.at}`;
  return `${up.package}@${up.version}:${row.at}`;
}

/**
 * A database with extra target files (in-house unikernels, `--target-file`), validated exactly like the shipped
 * ones. A custom target may not reuse a shipped name.
 */
export function withTargetFiles(db: Database, files: readonly string[]): Database {
  if (files.length === 0) return db;
  const surfaces = new Map(db.surfaces);
  for (const f of files) {
    const s = loadSurface(resolve(f), db.tables.x86_64, surfaces, { anyFileName: true });
    if (surfaces.has(s.name)) throw new DbError(f, `target "${s.name}" already exists; give the custom target another name`);
    surfaces.set(s.name, s);
  }
  return { ...db, surfaces };
}
