// @fileoverview Baselines: the findings a team has accepted, recorded by fingerprint (see issues.ts: they survive
// line moves and rebuilds) per target and level, in a versioned file. A scan compared with a baseline fails the gate
// only on what is new (a finding, or a target on which it newly reaches --fail-on) and lists what was fixed.

import type { FailOn, Report } from "../types.js";
import { LEVEL_RANK } from "../verdict/levels.js";
import { reportIssues } from "./issues.js";
import type { Level } from "./issues.js";

/** Bumped when the baseline file changes shape; older versions are refused with a message saying so. */
const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  path: string;
  /** syscall/<name>[:<mode>] or rule/<id> (see Issue.key). */
  key: string;
  name: string;
  target: string;
  level: Level;
  /** Source line when recorded (informative: the fingerprint does not depend on it). */
  line?: number;
}

export interface Baseline {
  unifitBaseline: number;
  tool: { name: string; version: string };
  findings: BaselineEntry[];
}

export class BaselineError extends Error {
  override name = "BaselineError";
}

const entryKey = (e: { fingerprint: string; target: string }): string => `${e.fingerprint}@${e.target}`;

function entries(report: Report): BaselineEntry[] {
  const out: BaselineEntry[] = [];
  for (const i of reportIssues(report)) {
    for (const t of i.targets) {
      const e: BaselineEntry = { fingerprint: i.fingerprint, path: i.path, key: i.key, name: i.name, target: t.target, level: t.level };
      if (i.location !== undefined) e.line = i.location.line;
      out.push(e);
    }
  }
  return out;
}

export function createBaseline(report: Report): Baseline {
  return { unifitBaseline: BASELINE_VERSION, tool: report.tool, findings: entries(report) };
}

export function formatBaseline(b: Baseline): string {
  return JSON.stringify(b, null, 2) + "\n";
}

/** Reads a baseline file's text; a file that is not one, or of another version, is a BaselineError naming the file. */
export function parseBaseline(text: string, file: string): Baseline {
  let b: unknown;
  try {
    b = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`${file}: not a baseline (${(e as Error).message})`);
  }
  const o = b as Partial<Baseline> | null;
  if (o === null || typeof o !== "object" || typeof o.unifitBaseline !== "number" || !Array.isArray(o.findings)) {
    throw new BaselineError(`${file}: not a baseline (no unifitBaseline version and findings; make one with \`unifit baseline create\`)`);
  }
  if (o.unifitBaseline !== BASELINE_VERSION) {
    throw new BaselineError(`${file}: baseline version ${o.unifitBaseline}, this unifit reads version ${BASELINE_VERSION}: create it again`);
  }
  for (const e of o.findings) {
    if (typeof e?.fingerprint !== "string" || typeof e.target !== "string" || (e.level !== "blocker" && e.level !== "warning")) {
      throw new BaselineError(`${file}: a finding without fingerprint, target or level`);
    }
  }
  return o as Baseline;
}

export interface BaselineComparison {
  /** Findings (per target) not in the baseline, or at a worse level than recorded. */
  added: BaselineEntry[];
  /** Baseline findings (per target) the scan no longer has. */
  fixed: BaselineEntry[];
  /** Findings the baseline accepts. */
  known: number;
  /** Some new finding is at or over failOn (the gate's exit 1). */
  fails: boolean;
}


export function compareWithBaseline(baseline: Baseline, report: Report, failOn: FailOn): BaselineComparison {
  const old = new Map(baseline.findings.map((e) => [entryKey(e), e]));
  const now = entries(report);
  const seen = new Set<string>();
  const added: BaselineEntry[] = [];
  let known = 0;
  for (const e of now) {
    const k = entryKey(e);
    seen.add(k);
    const was = old.get(k);
    if (was === undefined || LEVEL_RANK[e.level] > LEVEL_RANK[was.level]) added.push(e);
    else known++;
  }
  const scanned = new Set([...report.files.map((f) => f.path), ...report.errors.map((e) => e.path)]);
  const targets = new Set(report.targets.map((t) => t.name));
  // A finding of a file or target this scan did not cover is not fixed: it was not looked at.
  const fixed = baseline.findings.filter((e) => !seen.has(entryKey(e)) && scanned.has(e.path) && targets.has(e.target));
  const fails = failOn !== "none" && added.some((e) => failOn === "warning" || e.level === "blocker");
  return { added, fixed, known, fails };
}

/** The comparison as text for people. */
export function formatBaselineComparison(c: BaselineComparison, file: string): string {
  const line = (e: BaselineEntry): string => `  ${e.level.padEnd(7)}  ${e.target.padEnd(12)}  ${e.name}  ${e.path}${e.line !== undefined ? `:${e.line}` : ""}`;
  const out = [`Baseline ${file}: ${c.added.length} new, ${c.fixed.length} fixed, ${c.known} known`];
  if (c.added.length > 0) out.push("New since the baseline:", ...c.added.map(line));
  if (c.fixed.length > 0) out.push("Fixed since the baseline:", ...c.fixed.map(line));
  return out.join("\n") + "\n";
}
