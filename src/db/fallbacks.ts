// @fileoverview Loads syscall-db/fallbacks/<runtime>.yaml (system calls a runtime tries first and abandons when they
// fail), validates each file against syscall-db/fallbacks/schema.json and the syscall tables, and looks entries up.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { parse } from "yaml";
import { DbError } from "./errors.js";
import type { Database, Fallback, RuntimeName, SyscallTable } from "./types.js";
import type { Arch } from "../types.js";

export const RUNTIMES: readonly RuntimeName[] = ["glibc", "musl", "go", "rust", "libuv"];

type Obj = Record<string, unknown>;
type Validator = ((doc: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params?: Record<string, unknown> }[] | null };

/** ajv is loaded only when the database is parsed (a warm start reads the cached copy and needs neither). */
function compileSchema(file: string): Validator {
  let schema: object;
  try {
    schema = JSON.parse(readFileSync(file, "utf8")) as object;
  } catch (e) {
    throw new DbError(file, `cannot read the fallback schema: ${(e as Error).message}`);
  }
  const require = createRequire(import.meta.url);
  const { Ajv2020 } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  return new Ajv2020({ allErrors: true, strict: false }).compile(schema) as Validator;
}

/** "fallbacks[3] (clone3): " for an instance path inside the list, so that the error names the entry. */
function where(doc: Obj, path: string): string {
  const m = /^\/fallbacks\/(\d+)(\/.*)?$/.exec(path);
  if (m === null) return path === "" ? "" : `${path}: `;
  const i = Number(m[1]);
  const list = Array.isArray(doc.fallbacks) ? doc.fallbacks : [];
  const entry = list[i] as Obj | undefined;
  const sc = typeof entry?.syscall === "string" ? ` (${entry.syscall})` : "";
  return `fallbacks[${i}]${sc}${m[2] ?? ""}: `;
}

/** One runtime's file, validated. `known` tells whether a name is a Linux system call (x86_64 or aarch64). */
function loadFallbackFile(file: string, known: (name: string) => boolean, validate: Validator): Fallback[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"), { maxAliasCount: 0 });
  } catch (e) {
    throw new DbError(file, `invalid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new DbError(file, "expected a mapping at the top level");
  const o = doc as Obj;
  const stem = basename(file, ".yaml");
  if (!(RUNTIMES as readonly string[]).includes(stem)) throw new DbError(file, `unknown runtime "${stem}" (known: ${RUNTIMES.join(", ")})`);
  if (o.runtime !== stem) throw new DbError(file, `runtime "${String(o.runtime)}" does not match the file name`);
  if (!validate(doc)) {
    const err = validate.errors?.[0];
    const missing = err?.params?.missingProperty;
    const what = typeof missing === "string" ? `missing "${missing}"` : (err?.message ?? "invalid");
    throw new DbError(file, `${where(o, err?.instancePath ?? "")}${what} (syscall-db/fallbacks/schema.json)`);
  }
  const runtime = stem as RuntimeName;
  const out: Fallback[] = [];
  const claimed = new Map<string, number>();
  (o.fallbacks as Obj[]).forEach((e, i) => {
    const at = `fallbacks[${i}] (${String(e.syscall)}): `;
    const syscall = e.syscall as string;
    if (!known(syscall)) throw new DbError(file, `${at}"${syscall}" is not a Linux system call`);
    const to = e.to as string[];
    for (const t of to) if (!known(t)) throw new DbError(file, `${at}to: "${t}" is not a Linux system call`);
    if (to.includes(syscall)) throw new DbError(file, `${at}to: lists the system call itself`);
    const functions = e.functions as string[];
    if (functions.includes("*") && functions.length > 1) throw new DbError(file, `${at}functions: "*" stands alone`);
    // Two entries for one system call may not share a function: the lookup would be ambiguous.
    for (const fn of functions) {
      const key = `${syscall}\u0000${fn}`;
      const prev = claimed.get(key);
      if (prev !== undefined) throw new DbError(file, `${at}${fn} is already listed for ${syscall} in fallbacks[${prev}]`);
      claimed.set(key, i);
    }
    const f: Fallback = { runtime, syscall, functions, errors: e.errors as string[], to, does: (e.does as string).trim(), at: e.at as string };
    if (typeof e.probe === "string") f.probe = e.probe;
    out.push(f);
  });
  return out;
}

/** Every syscall-db/fallbacks/<runtime>.yaml under `dir`, by runtime. A database without the folder has none. */
export function loadFallbacks(dir: string, tables: Readonly<Record<Arch, SyscallTable>>): Map<RuntimeName, Fallback[]> {
  const out = new Map<RuntimeName, Fallback[]>();
  if (!existsSync(dir)) return out;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  if (files.length === 0) return out;
  const validate = compileSchema(join(dir, "schema.json"));
  const known = (n: string): boolean => tables.x86_64.byName.has(n) || tables.aarch64.byName.has(n);
  for (const f of files) {
    const list = loadFallbackFile(join(dir, f), known, validate);
    out.set(basename(f, ".yaml") as RuntimeName, list);
  }
  return out;
}

/**
 * The fallback entry for `syscall` made by `fn` in `runtime`: an entry that names the function wins over a "*" entry.
 * With `fn` undefined only a "*" entry matches.
 */
export function fallbackFor(db: Pick<Database, "fallbacks">, runtime: RuntimeName, syscall: string, fn: string | undefined): Fallback | undefined {
  let any: Fallback | undefined;
  for (const f of db.fallbacks.get(runtime) ?? []) {
    if (f.syscall !== syscall) continue;
    if (fn !== undefined && f.functions.includes(fn)) return f;
    if (any === undefined && f.functions.includes("*")) any = f;
  }
  return any;
}
