// @fileoverview `unifit plan`: the porting work for one target, in order: configuration changes of recognised
// applications (with the upstream lines they rest on), mechanical fixes (with the patch), rewrites by effort, and
// what cannot be ported as is, with the nearest target where it runs. Builds a value; rendering is formatPlanMarkdown.

import { readFileSync } from "node:fs";
import { relative, sep } from "node:path";
import { loadDatabase } from "../db/load.js";
import type { Database } from "../db/types.js";
import { formatPatch } from "../report/patch.js";
import { planFixes } from "../scan/fix.js";
import { scanPaths } from "../scan/parallel.js";
import { UsageError } from "../scan/scan.js";
import type { Finding, FileReport, InputError } from "../types.js";
import { loadRules } from "../rules/load.js";
import { loadApps } from "./load.js";
import { recogniseBinary, recogniseTree } from "./recognise.js";
import { skeletonFor } from "./skeletons.js";
import type { Skeleton } from "./skeletons.js";
import type { App, AppSetting, Recognised } from "./types.js";
import { byPath, compareStrings } from "../util/compare.js";

export interface PlanConfigStep {
  app: string;
  setting: string;
  kind: AppSetting["kind"];
  set: string[];
  where: string;
  cost: string;
  /** Blockers it makes unreachable, "clone (process)" style, sorted. */
  covers: string[];
  /** "file:line: what the line does", from the data set, in the upstream sources named by `upstream`. */
  evidence: string[];
  upstream: string;
}

export interface PlanFix {
  path: string;
  line: number;
  fix: string;
  what: string;
}

export interface PlanRewrite {
  ruleId: string;
  title: string;
  hint: string;
  sites: number;
  functions: number;
  files: string[];
  /** Suggested code (not a patch) for the first site in a source file, when the rule has a skeleton. */
  skeleton?: Skeleton & { path: string };
}

export interface PlanRemaining {
  syscall: string;
  files: string[];
  /** Distinct functions of the program from which the call is reached (call chains), when known. */
  functions: number;
  /** Every file it is in has a pattern finding listed under rewrites (the rewrite is what removes it). */
  rewrite: boolean;
  /** Reached only inside the program's shared libraries (Finding.origin), never from its own code. */
  libraryOnly: boolean;
}

export interface PortingPlan {
  target: string;
  recognised: Recognised[];
  configuration: PlanConfigStep[];
  fixes: PlanFix[];
  skippedFixes: { path: string; line: number; fix: string; reason: string }[];
  patch: string;
  rewrites: PlanRewrite[];
  remaining: PlanRemaining[];
  files: { path: string; verdict: string; blockers: number; covered: number; line: string }[];
  nearest?: { target: string; verdict: string; score: number; blockers: number };
  errors: InputError[];
}

const label = (f: Pick<Finding, "syscall" | "mode">): string => (f.mode !== undefined ? `${f.syscall} (${f.mode})` : f.syscall);

function covers(s: AppSetting, f: Finding): boolean {
  return s.syscalls.some((c) => {
    const [name, mode] = c.split(":");
    return name === f.syscall && (mode === undefined || mode === f.mode);
  });
}

const rel = (root: string, p: string): string => relative(root, p).split(sep).join("/");

export interface PlanOptions {
  target: string;
  db?: Database;
  apps?: readonly App[];
  sysroot?: string | null;
  cwd?: string;
}

export async function buildPlan(paths: readonly string[], options: PlanOptions): Promise<PortingPlan> {
  const db = options.db ?? loadDatabase();
  if (!db.surfaces.has(options.target)) throw new UsageError(`unknown target "${options.target}"`);
  const apps = options.apps ?? loadApps(undefined, db);
  const report = await scanPaths(paths, { targets: ["all"], db, failOn: "blocker", ...(options.sysroot !== undefined ? { sysroot: options.sysroot } : {}) });
  const trees = paths.map((p) => recogniseTree(p, apps)).filter((r): r is Recognised => r !== undefined);
  const recognised = new Map<string, Recognised>();
  for (const t of trees) recognised.set(t.path, t);
  const appOf = new Map<string, { rec: Recognised; app: App }>();
  for (const f of report.files) {
    let rec: Recognised | undefined;
    if (f.kind === "elf") rec = recogniseBinary(f.path, apps);
    else rec = trees.find((t) => !rel(t.path, f.path).startsWith(".."));
    if (rec === undefined) continue;
    recognised.set(rec.path, rec);
    const app = apps.find((a) => a.id === rec.app);
    if (app !== undefined && rec.inRange) appOf.set(f.path, { rec, app });
  }

  const steps = new Map<string, PlanConfigStep>();
  const files: PortingPlan["files"] = [];
  const remaining = new Map<string, { files: Set<string>; functions: Set<string>; program: boolean }>();
  const uncoveredFiles = new Set<string>();
  const step = (app: App, s: AppSetting): PlanConfigStep => {
    const key = `${app.id}\u0000${s.id}`;
    let st = steps.get(key);
    if (st === undefined) {
      st = { app: app.id, setting: s.id, kind: s.kind, set: s.set, where: s.where, cost: s.cost, covers: [], evidence: s.evidence.map((e) => `${e.file}:${e.line}: ${e.says}`), upstream: `${app.upstream.repo} ${app.upstream.version} (${app.upstream.debian})` };
      steps.set(key, st);
    }
    return st;
  };
  for (const f of [...report.files].sort(byPath)) {
    const tv = f.targets.find((t) => t.target === options.target);
    if (tv === undefined) continue;
    const blockers = tv.findings.filter((x) => x.severity === "blocker");
    const known = appOf.get(f.path);
    let covered = 0;
    for (const b of blockers) {
      const settings = known === undefined ? [] : known.app.settings.filter((s) => covers(s, b) && (f.kind === "elf" || s.files.includes(rel(known.rec.path, f.path))));
      for (const s of settings) {
        const st = step(known!.app, s);
        if (!st.covers.includes(label(b))) st.covers.push(label(b));
      }
      if (settings.length > 0) {
        covered++;
        continue;
      }
      uncoveredFiles.add(f.path);
      let r = remaining.get(label(b));
      if (r === undefined) remaining.set(label(b), (r = { files: new Set(), functions: new Set(), program: false }));
      if (b.origin !== "library") r.program = true;
      r.files.add(f.path);
      const chain = b.chain ?? [];
      if (chain.length > 1) r.functions.add(chain[chain.length - 2] as string);
    }
    const line =
      blockers.length === 0
        ? tv.verdict
        : covered === blockers.length
          ? `compatible with this configuration (${known?.rec.name ?? ""} settings cover ${covered} blocker${covered === 1 ? "" : "s"})`
          : `blocked: ${blockers.length - covered} of ${blockers.length} blockers not covered by configuration`;
    files.push({ path: f.path, verdict: tv.verdict, blockers: blockers.length, covered, line });
  }

  // Mechanical fixes on the sources whose blockers configuration does not cover.
  const sources = report.files.filter((f) => f.kind !== "elf" && uncoveredFiles.has(f.path)).map((f) => f.path);
  const fixPlan = sources.length > 0 ? planFixes(sources, { db }) : { patches: [], errors: [] };
  const fixes = fixPlan.patches.flatMap((p) => p.applied.map((a) => ({ path: p.path, ...a })));
  const skippedFixes = fixPlan.patches.flatMap((p) => p.skipped.map((s) => ({ path: p.path, ...s })));
  const fixedRules = new Set(fixes.map((x) => `${x.path}\u0000${x.line}`));

  // Rewrites: rule findings rated a blocker on the target, in files configuration does not cover, by effort.
  // A pattern whose every syscall a setting of the recognised application covers is dealt with by configuration.
  const ruleSyscalls = new Map(loadRules(db).map((r) => [r.id, r.syscalls]));
  const byConfig = (f: FileReport, ruleId: string): boolean => {
    const known = appOf.get(f.path);
    const refs = ruleSyscalls.get(ruleId) ?? [];
    if (known === undefined || refs.length === 0) return false;
    return refs.every((ref) => known.app.settings.some((s) => covers(s, { syscall: ref.name, ...(ref.mode !== undefined ? { mode: ref.mode } : {}) } as Finding) && (f.kind === "elf" || s.files.includes(rel(known.rec.path, f.path)))));
  };
  const rewriteSyscalls = new Map<string, Set<string>>();
  const rewrites = new Map<string, PlanRewrite & { fns: Set<string>; fileSet: Set<string> }>();
  for (const f of report.files) {
    if (!uncoveredFiles.has(f.path)) continue;
    for (const r of f.rules) {
      if (r.targets.find((t) => t.target === options.target)?.level !== "blocker") continue;
      if (byConfig(f, r.ruleId)) continue;
      let names = rewriteSyscalls.get(f.path);
      if (names === undefined) rewriteSyscalls.set(f.path, (names = new Set()));
      for (const ref of ruleSyscalls.get(r.ruleId) ?? []) names.add(ref.name);
      const hits = r.hits.filter((h) => !fixedRules.has(`${f.path}\u0000${h.location?.line ?? 0}`));
      if (hits.length === 0) continue;
      let w = rewrites.get(r.ruleId);
      if (w === undefined) rewrites.set(r.ruleId, (w = { ruleId: r.ruleId, title: r.title, hint: r.hint, sites: 0, functions: 0, files: [], fns: new Set(), fileSet: new Set() }));
      w.sites += hits.length;
      if (w.skeleton === undefined && f.kind !== "elf") {
        let text: string | undefined;
        try {
          text = readFileSync(f.path, "utf8");
        } catch {
          text = undefined;
        }
        for (const h of hits) {
          const sk = text === undefined || h.location === undefined ? undefined : skeletonFor(r.ruleId, text, h.location.line, h.function);
          if (sk !== undefined) {
            w.skeleton = { ...sk, path: f.path };
            break;
          }
        }
      }
      for (const h of hits) w.fns.add(`${f.path}\u0000${h.function ?? h.location?.line ?? ""}`);
      w.fileSet.add(f.path);
    }
  }
  const rewriteList = [...rewrites.values()]
    .map(({ fns, fileSet, ...w }) => ({ ...w, functions: fns.size, files: [...fileSet].sort() }))
    .sort((a, b) => a.sites + a.functions - (b.sites + b.functions) || compareStrings(a.ruleId, b.ruleId));


  // Nearest target: every file runs there (no blocker), best lowest score; else the fewest blockers.
  let nearest: PortingPlan["nearest"];
  if (remaining.size > 0) {
    const cands = report.targets
      .filter((t) => t.name !== options.target && t.name !== "linux")
      .map((t) => {
        const vs = report.files.map((f) => f.targets.find((x) => x.target === t.name)).filter((x) => x !== undefined);
        const blockers = vs.reduce((n, v) => n + v.counts.blockers + v.counts.libraryBlockers, 0);
        const score = vs.length === 0 ? 0 : Math.min(...vs.map((v) => v.score));
        const verdict = vs.some((v) => v.verdict === "blocked") ? "blocked" : vs.some((v) => v.verdict === "unknown") ? "unknown" : vs.some((v) => v.verdict === "warnings") ? "warnings" : "compatible";
        return { target: t.name, verdict, score, blockers };
      })
      .sort((a, b) => a.blockers - b.blockers || b.score - a.score || compareStrings(a.target, b.target));
    nearest = cands[0];
  }

  const cwd = options.cwd ?? process.cwd();
  return {
    target: options.target,
    recognised: [...recognised.values()].sort(byPath),
    configuration: [...steps.values()].map((s) => ({ ...s, covers: s.covers.sort() })),
    fixes,
    skippedFixes,
    patch: formatPatch(fixPlan.patches, cwd),
    rewrites: rewriteList,
    remaining: [...remaining.entries()].map(([syscall, r]) => ({ syscall, files: [...r.files].sort(), functions: r.functions.size, libraryOnly: !r.program, rewrite: [...r.files].every((f) => rewriteSyscalls.get(f)?.has(syscall.split(" ")[0] as string) === true) })).sort((a, b) => compareStrings(a.syscall, b.syscall)),
    files,
    ...(nearest !== undefined ? { nearest } : {}),
    errors: [...report.errors, ...fixPlan.errors],
  };
}

/** The plan as the Markdown document a porting lead hands to the team. */
export function formatPlanMarkdown(plan: PortingPlan, cwd: string = process.cwd()): string {
  const p = (x: string): string => {
    const r = rel(cwd, x);
    return r.startsWith("..") ? x : r;
  };
  const out: string[] = [`# Porting plan: ${plan.target}`, ""];
  for (const r of plan.recognised) out.push(`- \`${p(r.path)}\` is **${r.name}${r.version !== undefined ? ` ${r.version}` : ""}** (recognised by ${r.by}${r.inRange ? "" : "; outside the versions the settings were read for: they are not applied"})`);
  for (const f of plan.files) if (f.blockers > 0 || plan.files.length <= 20) out.push(`- \`${p(f.path)}\`: ${f.line}`);
  out.push("", "## 1. Configuration changes", "");
  if (plan.configuration.length === 0) out.push("None: no recognised application, or none of its settings covers a blocker.");
  for (const s of plan.configuration) {
    // Lines to write are code; what to do (usage, tolerated, build) is prose.
    const what = s.kind === "config" || s.kind === "command-line" ? s.set.map((x) => `\`${x}\``).join(", ") : s.set.join("; ");
    out.push(`### ${s.app}: ${what} (${s.kind})`, "", `Where: ${s.where}. Makes unreachable: ${s.covers.join(", ")}.`, "", `Evidence, ${s.upstream}:`, "");
    for (const e of s.evidence) out.push(`- ${e}`);
    out.push("", `Cost: ${s.cost}`, "");
  }
  out.push("", "## 2. Mechanical fixes", "");
  if (plan.fixes.length === 0) out.push("None.");
  for (const f of plan.fixes) out.push(`- \`${p(f.path)}:${f.line}\` (${f.fix}): ${f.what}`);
  for (const s of plan.skippedFixes) out.push(`- \`${p(s.path)}:${s.line}\` (${s.fix}): not rewritten: ${s.reason}`);
  if (plan.patch !== "") out.push("", "```diff", plan.patch.replace(/\n$/, ""), "```");
  out.push("", "## 3. Rewrites, by effort", "");
  if (plan.rewrites.length === 0) out.push("None.");
  for (const w of plan.rewrites) {
    out.push(`- **${w.ruleId}** (${w.title}): ${w.sites} call site${w.sites === 1 ? "" : "s"} in ${w.functions} function${w.functions === 1 ? "" : "s"}, ${w.files.map((f) => `\`${p(f)}\``).join(", ")}. ${w.hint}`);
    if (w.skeleton !== undefined) out.push("", `  Suggested shape (\`${p(w.skeleton.path)}:${w.skeleton.line}\`, not a patch):`, "", "  ```c", ...w.skeleton.code.split("\n").map((l) => (l === "" ? "" : `  ${l}`)), "  ```", "");
  }
  out.push("", `## 4. Not portable to ${plan.target} as is`, "");
  const left = plan.remaining.filter((r) => !r.rewrite);
  const viaRewrite = plan.remaining.filter((r) => r.rewrite).map((r) => r.syscall);
  if (left.length === 0) out.push(`Nothing${viaRewrite.length > 0 ? ` once the rewrites are done (they remove ${viaRewrite.join(", ")})` : ": every blocker is covered above"}.`);
  else if (viaRewrite.length > 0) out.push(`The rewrites remove ${viaRewrite.join(", ")}; no configuration, fix or known rewrite covers:`, "");
  for (const r of left) out.push(`- ${r.syscall}: ${r.files.map((f) => `\`${p(f)}\``).join(", ")}${r.functions > 0 ? ` (reached from ${r.functions} function${r.functions === 1 ? "" : "s"})` : ""}${r.libraryOnly ? ": only inside its shared libraries; `unifit try` shows whether the program makes the call" : ""}`);
  if (plan.nearest !== undefined) out.push("", `Nearest target where it runs with the fewest blockers: **${plan.nearest.target}** (${plan.nearest.verdict}, ${plan.nearest.blockers} blockers, score ${plan.nearest.score}).`);
  return `${out.join("\n")}\n`;
}
