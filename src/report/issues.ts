// @fileoverview A report flattened into issues: one per file and syscall (with its mode), and one per place a rule
// matched, each rated on every target where it is a blocker or a warning, with a fingerprint that stays the same
// across line moves and rebuilds. SARIF, Code Quality, JUnit, Markdown, HTML, baselines and `unifit diff` all read
// this one list, so that they agree on what a finding is.

import { createHash } from "node:crypto";
import type { FileReport, Report, Severity, Status } from "../types.js";
import { spoolLines } from "./spool.js";
import type { Spool, SpoolFactory } from "./spool.js";
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
  /** A binary scanned with its sources: where its code sites leading here are in them (placed ones only, first
   * first), each with the function and address of the code site. */
  places?: { file: string; line: number; column?: number; function: string; address: string }[];
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
        const places = (x.sites ?? []).flatMap((s) =>
          s.source === undefined ? [] : [{ file: s.source.file, line: s.source.line, ...(s.source.column !== undefined ? { column: s.source.column } : {}), function: s.function, address: s.address }],
        );
        if (places.length > 0) issue.places = places;
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

/** The order of issues over a report: by path, then blockers first, then key, then line. */
export const compareIssues = (a: Issue, b: Issue): number =>
  cmp(a.path, b.path) ||
  LEVEL_RANK[b.level] - LEVEL_RANK[a.level] ||
  cmp(a.key, b.key) ||
  (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
  cmp(a.fingerprint, b.fingerprint);

/** One file's issues, in report order. */
export function fileIssues(f: FileReport): Issue[] {
  return [...syscallIssues(f), ...ruleIssues(f)].sort(compareIssues);
}

/** Every issue of the report: by path, then blockers first, then key, then line. */
export function reportIssues(report: Report): Issue[] {
  return report.files.flatMap(fileIssues).sort(compareIssues);
}

/** What the issue formats take from a file besides its issues: a rule's title, category and hint (SARIF's rules). */
export interface RuleMeta {
  title: string;
  category: string;
  hint?: string;
}

/**
 * Issues of files streamed in, handed out at the end in report order (`compareIssues`) with what `RuleMeta` their
 * file gave. Files mostly come in path order: each ascending run of paths goes to a spool of its own, one issue a
 * line, and the runs are merged at the end (a scan's files are one run; an image's programs and libraries come
 * before its other files, a few runs more). Memory: one issue per run.
 */
export class IssueOrder {
  private readonly runs: Spool[] = [];
  private last: string | undefined;

  constructor(private readonly spool: SpoolFactory) {}

  add(f: FileReport): void {
    const issues = fileIssues(f);
    if (issues.length === 0) return;
    if (this.last === undefined || f.path <= this.last) this.runs.push(this.spool());
    this.last = f.path;
    const run = this.runs[this.runs.length - 1] as Spool;
    const meta = new Map(f.rules.map((r) => [`rule/${r.ruleId}`, r]));
    for (const i of issues) {
      const r = meta.get(i.key);
      const m: RuleMeta | undefined = i.kind === "rule" && r !== undefined ? { title: r.title, category: r.category, ...(r.hint !== undefined ? { hint: r.hint } : {}) } : undefined;
      run.write(JSON.stringify(m === undefined ? [i] : [i, m]) + "\n");
    }
  }

  /** Every issue in report order; then the spools are closed. Ties keep the order the files came in. */
  drain(each: (issue: Issue, meta: RuleMeta | undefined) => void): void {
    const heads = this.runs.map((run) => {
      const lines = spoolLines(run);
      return { lines, at: undefined as [Issue, RuleMeta?] | undefined };
    });
    const pull = (h: (typeof heads)[number]): void => {
      const n = h.lines.next();
      h.at = n.done === true ? undefined : (JSON.parse(n.value) as [Issue, RuleMeta?]);
    };
    for (const h of heads) pull(h);
    for (;;) {
      let best: (typeof heads)[number] | undefined;
      for (const h of heads) if (h.at !== undefined && (best === undefined || compareIssues(h.at[0], (best.at as [Issue])[0]) < 0)) best = h;
      if (best === undefined) break;
      const [issue, meta] = best.at as [Issue, RuleMeta?];
      each(issue, meta);
      pull(best);
    }
  }
}
