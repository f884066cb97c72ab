// @fileoverview Suppressions: findings a team has looked at and accepted, with the reason, taken out of a file's
// verdicts and listed in its report instead. Two sources: `// unifit-ignore <rule|syscall>: reason` in a C/C++
// source (for its own line and the next), and `ignore` entries of unifit.config.json (a rule or a syscall, on some
// targets or all, for paths matching a glob or all). Pure functions over a FileReport; the verdict, counts and score
// of a target are recomputed as if a suppressed finding were supported.

import type { FileReport, Finding, RuleFinding, Severity, Suppression, TargetVerdict, Verdict } from "../types.js";

/** A config-level ignore (unifit.config.json "ignore"). */
export interface Ignore {
  rule?: string;
  syscall?: string;
  /** Only on these targets (all when absent). */
  targets?: string[];
  /** Only for files whose path matches this glob (`*`, `**`, `?`); all when absent. */
  path?: string;
  reason: string;
}

/** An inline ignore found in a source file. */
export interface InlineIgnore {
  /** A rule id or a syscall name. */
  name: string;
  /** The comment's line; it covers that line and the next. */
  line: number;
  reason: string;
}

const MARK = /\/[/*]\s*unifit-ignore\s+([\w:-]+)\s*(?::\s*(.*?))?\s*(?:\*\/)?\s*$/;

/**
 * The `unifit-ignore` comments of a source text, and a warning for each one without a reason (it is not applied:
 * the reason is what a reviewer reads later).
 */
export function inlineIgnores(text: string): { ignores: InlineIgnore[]; warnings: string[] } {
  const ignores: InlineIgnore[] = [];
  const warnings: string[] = [];
  const lines = text.split("\n");
  lines.forEach((l, i) => {
    if (!l.includes("unifit-ignore")) return;
    const m = MARK.exec(l);
    if (m === null) return;
    const reason = (m[2] ?? "").trim();
    if (reason === "") warnings.push(`line ${i + 1}: unifit-ignore ${m[1]} has no reason ("// unifit-ignore ${m[1]}: why"), not applied`);
    else ignores.push({ name: m[1] as string, line: i + 1, reason });
  });
  return { ignores, warnings };
}

/** A glob (`**` any path, `*` any name part, `?` one character) as a regular expression over the whole path. */
export function globRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*" && glob[i + 1] === "*") {
      re += glob[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += glob[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^(?:\\./)?${re}$`);
}

const covers = (i: InlineIgnore, line: number): boolean => line === i.line || line === i.line + 1;

/** The source lines a finding is reached from ("fn (path:line)" vias); undefined when one is not a source line. */
function sourceLines(f: Finding): number[] | undefined {
  const lines: number[] = [];
  for (const v of f.via) {
    const m = /:(\d+)\)$/.exec(v);
    if (m === null) return undefined;
    lines.push(Number(m[1]));
  }
  return lines.length > 0 ? lines : undefined;
}

function configMatch(ignores: readonly Ignore[], path: string, target: string, what: { rule?: string; syscall?: string }): Ignore | undefined {
  return ignores.find(
    (g) =>
      (g.rule !== undefined ? g.rule === what.rule : g.syscall !== undefined && what.syscall !== undefined && (g.syscall === what.syscall || what.syscall.startsWith(`${g.syscall}:`))) &&
      (g.targets === undefined || g.targets.includes(target)) &&
      (g.path === undefined || globRegExp(g.path).test(path)),
  );
}

function rerate(t: TargetVerdict, kept: Finding[], removed: number): TargetVerdict {
  const counts = { blockers: 0, libraryBlockers: 0, warnings: 0, info: 0, ok: t.counts.ok + removed };
  for (const f of kept) {
    if (f.severity === "blocker") {
      counts.blockers++;
      if (f.origin === "library") counts.libraryBlockers++;
    } else if (f.severity === "warning") counts.warnings++;
    else counts.info++;
  }
  const total = counts.ok + counts.blockers + counts.warnings + counts.info;
  const score = total === 0 ? t.score : Math.round((100 * (counts.ok + counts.info + 0.5 * counts.warnings)) / total);
  // An unknown verdict (a file read only in part) stays unknown unless a blocker remains.
  const verdict: Verdict = counts.blockers > 0 ? "blocked" : t.verdict === "unknown" ? "unknown" : counts.warnings > 0 ? "warnings" : "compatible";
  return { ...t, verdict, score, counts, findings: kept };
}

/** Rule hits of a source without those an inline ignore names on their line or the line before. */
export function suppressRuleHits<H extends { ruleId: string; location?: { line: number } }>(
  hits: readonly H[],
  inline: readonly InlineIgnore[],
  level: (h: H) => Severity,
): { kept: H[]; suppressed: Suppression[] } {
  const kept: H[] = [];
  const suppressed: Suppression[] = [];
  for (const h of hits) {
    const line = h.location?.line;
    const i = line !== undefined ? inline.find((n) => n.name === h.ruleId && covers(n, line)) : undefined;
    if (i === undefined) kept.push(h);
    else suppressed.push({ kind: "rule", name: h.ruleId, level: level(h), reason: i.reason, by: "inline", line: i.line });
  }
  return { kept, suppressed };
}

/** The file's report with its suppressed findings taken out and listed in `suppressions` (unchanged when none). */
export function applySuppressions(file: FileReport, ignores: readonly Ignore[], inline: readonly InlineIgnore[]): FileReport {
  if (ignores.length === 0 && inline.length === 0) return file;
  const out: Suppression[] = [];
  const targets = file.targets.map((t) => {
    if (t.statement !== undefined) return t;
    const kept: Finding[] = [];
    for (const x of t.findings) {
      const key = x.mode !== undefined ? `${x.syscall}:${x.mode}` : x.syscall;
      const g = configMatch(ignores, file.path, t.target, { syscall: key });
      const lines = sourceLines(x);
      const i = g === undefined && lines !== undefined ? inline.find((n) => n.name === x.syscall && lines.every((l) => covers(n, l))) : undefined;
      if (g === undefined && i === undefined) {
        kept.push(x);
        continue;
      }
      const s: Suppression = { kind: "syscall", name: x.mode !== undefined ? `${x.syscall} (${x.mode})` : x.syscall, target: t.target, level: x.severity, reason: (g ?? i)?.reason as string, by: g !== undefined ? "config" : "inline" };
      if (i !== undefined) s.line = i.line;
      out.push(s);
    }
    return kept.length === t.findings.length ? t : rerate(t, kept, t.findings.length - kept.length);
  });
  const rules: RuleFinding[] = [];
  for (const r of file.rules) {
    const hits = r.hits;
    const levels = r.targets.map((t) => {
      const g = t.level === "ok" ? undefined : configMatch(ignores, file.path, t.target, { rule: r.ruleId });
      if (g === undefined) return t;
      out.push({ kind: "rule", name: r.ruleId, target: t.target, level: t.level as Severity, reason: g.reason, by: "config" });
      return { target: t.target, level: "ok" as const, because: `suppressed: ${g.reason}` };
    });
    rules.push({ ...r, hits, targets: levels });
  }
  if (out.length === 0) return file;
  return { ...file, rules, targets, suppressions: out };
}
