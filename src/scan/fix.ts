// @fileoverview `unifit fix` as a library call: finds rule findings with a mechanical rewrite in C/C++ sources and
// computes the rewritten text. Writes nothing itself; the caller prints a diff or writes the files.

import { readFileSync } from "node:fs";
import { loadDatabase } from "../db/load.js";
import type { Database } from "../db/types.js";
import { expandPaths } from "../input/expand.js";
import { evaluateSource } from "../rules/evaluate.js";
import { applyFixes } from "../rules/fixers.js";
import { loadRules } from "../rules/load.js";
import type { Rule } from "../rules/types.js";
import { parseSource } from "../source/index.js";
import type { InputError } from "../types.js";
import { UsageError } from "./scan.js";

export interface FilePatch {
  path: string;
  before: string;
  after: string;
  applied: { line: number; fix: string; what: string }[];
  skipped: { line: number; fix: string; reason: string }[];
}

export interface FixPlan {
  patches: FilePatch[];
  errors: InputError[];
}

export function planFixes(paths: readonly string[], options: { db?: Database; rules?: readonly Rule[]; only?: readonly string[] } = {}): FixPlan {
  const db = options.db ?? loadDatabase();
  let rules = (options.rules ?? loadRules(db)).filter((r) => r.fix !== null);
  if (options.only !== undefined && options.only.length > 0) {
    // The output names each rewrite by its fixer (shell-builtin), the scan by its rule (shell-out): both select.
    const known = new Set(rules.flatMap((r) => [r.id, r.fix as string]));
    const unknown = options.only.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new UsageError(`unknown rule or fixer id ${unknown.map((u) => `"${u}"`).join(", ")} (with a fixer: ${[...known].sort().join(", ")})`);
    rules = rules.filter((r) => options.only?.includes(r.id) === true || options.only?.includes(r.fix as string) === true);
  }
  const { inputs, errors } = expandPaths(paths);
  const patches: FilePatch[] = [];
  for (const input of inputs) {
    if (input.kind !== "source") continue;
    let text: string;
    try {
      text = readFileSync(input.path, "utf8");
    } catch (e) {
      errors.push({ path: input.path, code: "EIO", message: `cannot read: ${(e as Error).message}` });
      continue;
    }
    const byId = new Map(rules.map((r) => [r.id, r]));
    const hits = evaluateSource(rules, parseSource(input.path, Buffer.from(text, "utf8")));
    const wanted = hits
      .filter((h) => h.location !== undefined && byId.get(h.ruleId)?.fix != null)
      .map((h) => ({ line: h.location?.line ?? 0, fix: byId.get(h.ruleId)?.fix as string }));
    if (wanted.length === 0) continue;
    const r = applyFixes(text, wanted);
    patches.push({ path: input.path, before: text, after: r.text, applied: r.applied, skipped: r.skipped });
  }
  return { patches, errors };
}
