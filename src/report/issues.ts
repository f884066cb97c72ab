// @fileoverview A report flattened into issues: one per file and syscall (with its mode), and one per place a rule
// matched, each rated on every target where it is a blocker or a warning, with a fingerprint that stays the same
// across line moves and rebuilds. SARIF, Code Quality, JUnit, Markdown, HTML, baselines and `unifit diff` all read
// this one list, so that they agree on what a finding is.

import { createHash } from "node:crypto";
import type { FileReport, Report, Severity, Status } from "../types.js";
import { LEVEL_RANK } from "../verdict/levels.js";
import { compareStrings } from "../util/compare.js";

export type Level = Exclude<Severity, "info">;

export interface IssueTarget {
  target: string;
  level: Level;
  status?: Status;
  /** The target's note, or for a rule what decided the level. */
  note?: string;
  /** Upstream evidence: repo@commit:path:line. */
  evidence?: string;
  /** The rewrite advice for this target. */
  advice?: string;
}

export interface Issue {
  kind: "syscall" | "rule";
  path: string;
  /** Stable key of what was found: `syscall/<name>` or `syscall/<name>:<mode>`, or `rule/<id>`. */
  key: string;
  /** As people read it: "clone (process)", "fork-then-exec". */
  name: string;
  /** One sentence on what was found. */
  message: string;
  /** The worst level over the targets. */
  level: Level;
  /** Targets on which it is a blocker or a warning, in the report's target order. */
  targets: IssueTarget[];
  /** How the program gets there: the shortest call chain, or the ways in. */
  chain?: string[];
  via: string[];
  hint?: string;
  /** Source position (C/C++ files). */
  location?: { line: number; column: number; endLine: number; endColumn: number };
  /** The enclosing or calling function, and the call's address (binaries). */
  function?: string;
  address?: string;
  excerpt?: string;
  /** Reached only from inside libraries (syscalls of ELF files). */
  origin?: "program" | "library";
  /**
   * sha256 over what identifies the finding and survives a rebuild or a line move: the path, the key, and for a
   * rule match its function and its source line with spaces removed (never line numbers or addresses), plus the
   * occurrence number among identical ones.
   */
  fingerprint: string;
}


const worstLevel = (levels: readonly Level[]): Level => (levels.some((l) => l === "blocker") ? "blocker" : "warning");

const hash = (parts: readonly string[]): string => createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);

function syscallIssues(f: FileReport): Issue[] {
  const byKey = new Map<string, Issue>();
  for (const t of f.targets) {
    for (const x of t.findings) {
      if (x.severity === "info") continue;
      const key = `syscall/${x.syscall}${x.mode !== undefined ? `:${x.mode}` : ""}`;
      let issue = byKey.get(key);
      if (issue === undefined) {
        const name = `${x.syscall}${x.mode !== undefined ? ` (${x.mode})` : ""}`;
        issue = {
          kind: "syscall",
          path: f.path,
          key,
          name,
          message: "",
          level: x.severity,
          targets: [],
          via: x.via,
          fingerprint: hash([f.path, key]),
        };
        if (x.chain !== undefined) issue.chain = x.chain;
        if (x.origin !== undefined) issue.origin = x.origin;
        byKey.set(key, issue);
      }
      const it: IssueTarget = { target: t.target, level: x.severity, status: x.status, evidence: x.evidence };
      if (x.note !== undefined) it.note = x.note;
      if (x.hint !== undefined) it.advice = x.hint;
      issue.targets.push(it);
      if (LEVEL_RANK[x.severity] > LEVEL_RANK[issue.level]) issue.level = x.severity;
      if (issue.origin === "library" && x.origin === "program") issue.origin = "program";
    }
  }
  for (const issue of byKey.values()) {
    // The advice is the targets' own; one line for all of them only when they agree, else the worst target's, named.
    const advice = [...new Set(issue.targets.map((t) => t.advice).filter((a) => a !== undefined))];
    const first = issue.targets.find((t) => t.level === issue.level && t.advice !== undefined);
    if (advice.length === 1 && issue.targets.every((t) => t.advice !== undefined)) issue.hint = advice[0] as string;
    else if (first !== undefined) issue.hint = `on ${first.target}: ${first.advice as string}`;
    const on = (level: Level): string[] => issue.targets.filter((t) => t.level === level).map((t) => t.target);
    const parts = [on("blocker"), on("warning")].map((ts, i) => (ts.length > 0 ? `${i === 0 ? "blocks" : "warns on"} ${ts.join(", ")}` : "")).filter((s) => s !== "");
    issue.message = `syscall ${issue.name} ${parts.join("; ")}${issue.chain !== undefined ? `, reached from ${issue.chain.join(" -> ")}` : ""}`;
  }
  return [...byKey.values()];
}

function ruleIssues(f: FileReport): Issue[] {
  const out: Issue[] = [];
  for (const r of f.rules) {
    const targets: IssueTarget[] = [];
    for (const t of r.targets) {
      if (t.level !== "blocker" && t.level !== "warning") continue;
      const it: IssueTarget = { target: t.target, level: t.level, note: t.because };
      if (t.evidence !== undefined) it.evidence = t.evidence;
      if (t.advice !== undefined) it.advice = t.advice;
      targets.push(it);
    }
    if (targets.length === 0) continue;
    const seen = new Map<string, number>();
    for (const h of r.hits) {
      const anchor = [f.path, `rule/${r.ruleId}`, h.function ?? "", (h.excerpt ?? "").replace(/\s+/g, "")];
      const id = anchor.join("\u0000");
      const n = seen.get(id) ?? 0;
      seen.set(id, n + 1);
      const issue: Issue = {
        kind: "rule",
        path: f.path,
        key: `rule/${r.ruleId}`,
        name: r.ruleId,
        message: `${r.title}: ${h.message}`,
        level: worstLevel(targets.map((t) => t.level)),
        targets,
        via: [],
        hint: targets.find((t) => t.advice !== undefined)?.advice ?? r.hint,
        fingerprint: hash([...anchor, String(n)]),
      };
      if (h.location !== undefined) issue.location = h.location;
      if (h.function !== undefined) issue.function = h.function;
      if (h.address !== undefined) issue.address = h.address;
      if (h.excerpt !== undefined) issue.excerpt = h.excerpt;
      out.push(issue);
    }
  }
  return out;
}

const cmp = compareStrings;

/** Every issue of the report: by path, then blockers first, then key, then line. */
export function reportIssues(report: Report): Issue[] {
  const all = report.files.flatMap((f) => [...syscallIssues(f), ...ruleIssues(f)]);
  return all.sort(
    (a, b) =>
      cmp(a.path, b.path) ||
      LEVEL_RANK[b.level] - LEVEL_RANK[a.level] ||
      cmp(a.key, b.key) ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      cmp(a.fingerprint, b.fingerprint),
  );
}
