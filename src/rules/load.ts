// @fileoverview Loads rules/**/*.yaml, validates each against rules/schema.json (ajv) and the syscall tables, and
// compiles the match vocabulary. A bad rule file is an error naming the file: rules are our reviewed data.

import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join, relative } from "node:path";
import { codeKey } from "../cache/code-key.js";
import { readCachedJson, writeCachedJson } from "../cache/store.js";
import { DbError } from "../db/errors.js";
import type { Database, SyscallRef } from "../db/types.js";
import { packageInfo } from "../util/package-root.js";
import { fixers } from "./fixers.js";
import type { ArgMatcher, InputKind, Rule, RuleMatchSpec } from "./types.js";
import { compareStrings } from "../util/compare.js";

export function defaultRulesDir(): string {
  return join(packageInfo().root, "rules");
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith(".yaml")) out.push(p);
  }
  return out;
}

type Obj = Record<string, unknown>;

function regex(file: string, v: unknown, where: string): RegExp {
  if (typeof v !== "string") throw new DbError(file, `${where}: expected a regular expression`);
  try {
    return new RegExp(v);
  } catch (e) {
    throw new DbError(file, `${where}: invalid regular expression: ${(e as Error).message}`);
  }
}

function argMatcher(file: string, v: unknown, where: string): ArgMatcher {
  const o = v as Obj;
  if (typeof o.index !== "number") throw new DbError(file, `${where}.index must be a number`);
  return { index: o.index, matches: regex(file, o.matches, `${where}.matches`) };
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);

/**
 * Every rule file under `dir`, parsed and checked against rules/schema.json, in file order. The checked documents
 * are kept in the cache under a hash of the schema and every rule file, so that a warm start loads neither the YAML
 * parser nor ajv (compiling the schema alone takes longer than scanning a small binary).
 */
function readRuleDocs(dir: string): { file: string; doc: unknown }[] {
  const schemaFile = join(dir, "schema.json");
  let schemaText: Buffer;
  try {
    schemaText = readFileSync(schemaFile);
  } catch (e) {
    throw new DbError(schemaFile, `cannot read the rule schema: ${(e as Error).message}`);
  }
  const files = walk(dir);
  const texts = files.map((f) => readFileSync(f));
  // The loader's code (this module and what it imports, the YAML and schema packages) is part of the key.
  const h = createHash("sha256").update(`rules:1\u0000${codeKey([import.meta.url])}\u0000`).update(schemaText);
  files.forEach((f, i) => h.update(`\u0000${relative(dir, f)}\u0000`).update(texts[i] as Buffer));
  const key = h.digest("hex").slice(0, 32);
  const cached = readCachedJson<{ file: string; doc: unknown }[]>("rules", key, { revive: false });
  if (Array.isArray(cached) && cached.length === files.length) return cached.map((c, i) => ({ file: files[i] as string, doc: c.doc }));

  const require = createRequire(import.meta.url);
  const { Ajv2020 } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const { parse } = require("yaml") as typeof import("yaml");
  let schema: object;
  try {
    schema = JSON.parse(schemaText.toString("utf8")) as object;
  } catch (e) {
    throw new DbError(schemaFile, `cannot read the rule schema: ${(e as Error).message}`);
  }
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  const docs = files.map((file, i) => {
    let doc: unknown;
    try {
      doc = parse((texts[i] as Buffer).toString("utf8"));
    } catch (e) {
      throw new DbError(file, `invalid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    if (!validate(doc)) {
      const err = validate.errors?.[0];
      throw new DbError(file, `does not match rules/schema.json: ${err?.instancePath || "/"} ${err?.message ?? ""}`.trim());
    }
    return { file, doc };
  });
  writeCachedJson("rules", key, docs.map((d) => ({ file: relative(dir, d.file), doc: d.doc })));
  return docs;
}

/** Keys each input kind can check (docs/rules.md); the others are left to the other kinds. */
const CHECKABLE: Readonly<Record<InputKind, readonly string[]>> = {
  c: ["calls", "syscalls", "asm-syscall", "string"],
  cpp: ["calls", "syscalls", "asm-syscall", "string"],
  elf: ["calls", "syscalls", "asm-syscall", "imports"],
};
/** What each {{placeholder}} needs from the rule: a match key, or nothing. */
const PLACEHOLDERS: Readonly<Record<string, readonly string[] | null>> = {
  callee: ["calls", "syscalls", "imports"],
  then: ["then-calls", "also-calls", "child-calls"],
  function: null,
  string: ["string"],
  target: null,
};

/**
 * What the schema cannot say: a rule whose keys cannot all hold, or hold nowhere it runs, is refused with the key
 * named. Every key of `match` must hold (AND), so a key the rule's inputs cannot check would make it silent there.
 */
function checkRule(file: string, o: Obj): void {
  const m = (o.match ?? {}) as Obj;
  const kinds = (o["applies-to"] as InputKind[] | undefined) ?? [];
  for (const kind of kinds) {
    if (!Object.keys(m).some((k) => CHECKABLE[kind].includes(k))) {
      const keys = Object.keys(m).join(", ");
      throw new DbError(file, `match.${Object.keys(m)[0] ?? ""}: applies-to has ${kind}, where ${keys} cannot be checked; add one of ${CHECKABLE[kind].join(", ")}, or drop ${kind}`);
    }
  }
  const hasArg = "arg" in m || "not-arg" in m;
  if (hasArg && kinds.includes("elf") && o["elf-without-arg"] !== true) {
    throw new DbError(file, `match.${"arg" in m ? "arg" : "not-arg"}: cannot be checked on binaries; set elf-without-arg: true to run there without it, or drop elf`);
  }
  if (o["elf-without-arg"] === true && (!hasArg || !kinds.includes("elf"))) {
    throw new DbError(file, `elf-without-arg: true means nothing without match.arg or match.not-arg and elf in applies-to`);
  }
  if (typeof o.fix === "string") {
    if (!Object.hasOwn(fixers, o.fix)) throw new DbError(file, `fix: no fixer named "${o.fix}" in src/rules/fixers.ts (there are: ${Object.keys(fixers).sort().join(", ")})`);
    if (!kinds.includes("c") && !kinds.includes("cpp")) throw new DbError(file, `fix: "${o.fix}" rewrites source, but applies-to has neither c nor cpp`);
  }
  const texts: [string, unknown][] = [
    ...Object.entries((o.messages ?? {}) as Obj).map(([k, v]): [string, unknown] => [`messages.${k}`, v]),
    ...Object.entries((o.advice ?? {}) as Obj).map(([k, v]): [string, unknown] => [`advice.${k}`, v]),
  ];
  for (const [where, text] of texts) {
    for (const [, name = ""] of String(text).matchAll(/\{\{(\w+)\}\}/g)) {
      if (/^arg\d+$/.test(name)) {
        if (!("calls" in m)) throw new DbError(file, `${where}: {{${name}}} needs match.calls`);
        continue;
      }
      const needs = PLACEHOLDERS[name];
      if (needs === undefined) throw new DbError(file, `${where}: unknown placeholder {{${name}}} (known: ${[...Object.keys(PLACEHOLDERS), "arg0"].join(", ")}...)`);
      if (name === "target" && !where.startsWith("advice.")) throw new DbError(file, `${where}: {{target}} is filled in advice only`);
      if (needs !== null && !needs.some((k) => k in m)) throw new DbError(file, `${where}: {{${name}}} needs one of match.${needs.join(", match.")}`);
    }
  }
}

/** Loads every rule under `dir`; `db` checks the syscall names. Removed rules are kept out of evaluation. */
export function loadRules(db: Database, dir: string = defaultRulesDir()): Rule[] {
  const rules: Rule[] = [];
  const seen = new Set<string>();
  for (const { file, doc } of readRuleDocs(dir)) {
    const o = doc as Obj;
    const id = String(o.id);
    if (id !== basename(file, ".yaml")) throw new DbError(file, `id "${id}" does not match the file name`);
    if (seen.has(id)) throw new DbError(file, `duplicate rule id "${id}"`);
    seen.add(id);
    checkRule(file, o);
    const m = (o.match ?? {}) as Obj;
    const match: RuleMatchSpec = {};
    const calls = strings(m.calls);
    if (calls) match.calls = calls;
    const thenCalls = strings(m["then-calls"]);
    if (thenCalls) match.thenCalls = thenCalls;
    const alsoCalls = strings(m["also-calls"]);
    if (alsoCalls) match.alsoCalls = alsoCalls;
    if (m["in-loop"] === true) match.inLoop = true;
    const childCalls = strings(m["child-calls"]);
    if (childCalls) match.childCalls = childCalls;
    const notThenCalls = strings(m["not-then-calls"]);
    if (notThenCalls) match.notThenCalls = notThenCalls;
    if (m.arg !== undefined) match.arg = argMatcher(file, m.arg, "match.arg");
    if (m["not-arg"] !== undefined) match.notArg = argMatcher(file, m["not-arg"], "match.not-arg");
    const sys = strings(m.syscalls);
    if (sys) {
      for (const s of sys) if (!db.tables.x86_64.byName.has(s)) throw new DbError(file, `match.syscalls: "${s}" is not an x86_64 syscall`);
      match.syscalls = sys;
    }
    if (m["asm-syscall"] === true) match.asmSyscall = true;
    if (m.string !== undefined) match.string = regex(file, m.string, "match.string");
    const imports = strings(m.imports);
    if (imports) match.imports = imports;
    const needs: SyscallRef[] = [];
    for (const s of strings(o.syscalls) ?? []) {
      const [name = "", mode] = s.split(":");
      if (!db.tables.x86_64.byName.has(name)) throw new DbError(file, `syscalls: "${s}" is not an x86_64 syscall`);
      needs.push(mode === undefined ? { name } : { name, mode });
    }
    rules.push({
      id,
      title: String(o.title),
      category: String(o.category),
      appliesTo: new Set((o["applies-to"] as InputKind[]) ?? []),
      match,
      syscalls: needs,
      messages: (o.messages ?? {}) as Record<string, string>,
      severity: o.severity as Rule["severity"],
      confidence: o.confidence as Rule["confidence"],
      hint: typeof o.hint === "string" ? o.hint.trim() : "", // the schema allows a string or nothing
      advice: (o.advice ?? {}) as Record<string, string>,
      fix: typeof o.fix === "string" ? o.fix : null,
      references: strings(o.references) ?? [],
      status: (o.status ?? "stable") as Rule["status"],
      elfWithoutArg: o["elf-without-arg"] === true,
      file: relative(packageInfo().root, file),
    });
  }
  return rules.filter((r) => r.status !== "removed").sort((a, b) => compareStrings(a.id, b.id));
}
