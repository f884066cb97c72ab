// @fileoverview `unifit compare`: one matrix for a scanned file or tree: rows are the findings (syscalls that are
// not fully supported somewhere, and patterns), columns are the targets; to pick the best target for an app.

import type { Level, Report } from "../types.js";
import { compareStrings } from "../util/compare.js";
import { LEVEL_RANK } from "../verdict/levels.js";

type Cell = Level;

export interface Matrix {
  targets: string[];
  rows: { label: string; cells: Cell[] }[];
  totals: { target: string; blockers: number; warnings: number; score: number }[];
}

const MARK: Record<Cell, string> = { blocker: "✖", warning: "⚠", info: "·", ok: "✓" };

export function compareMatrix(report: Report): Matrix {
  const targets = report.targets.map((t) => t.name);
  const cells = new Map<string, Map<string, Cell>>();
  const put = (label: string, target: string, level: Cell): void => {
    let row = cells.get(label);
    if (row === undefined) cells.set(label, (row = new Map<string, Cell>()));
    const old = row.get(target) ?? "ok";
    if (LEVEL_RANK[level] > LEVEL_RANK[old]) row.set(target, level);
  };
  for (const f of report.files) {
    for (const t of f.targets) {
      if (t.statement !== undefined) put("(no POSIX surface)", t.target, "blocker");
      for (const x of t.findings) put(`syscall ${x.syscall}${x.mode !== undefined ? ` (${x.mode})` : ""}`, t.target, x.severity);
    }
    for (const r of f.rules) for (const t of r.targets) put(`pattern ${r.ruleId}`, t.target, t.level);
  }
  const labels = [...cells.keys()].sort((a, b) => {
    const worst = (l: string): number => Math.max(...[...(cells.get(l)?.values() ?? [])].map((c) => LEVEL_RANK[c]));
    return worst(b) - worst(a) || compareStrings(a, b);
  });
  const rows = labels.map((label) => ({ label, cells: targets.map((t) => cells.get(label)?.get(t) ?? "ok") }));
  const totals = targets.map((t) => {
    const vs = report.files.map((f) => f.targets.find((x) => x.target === t)).filter((x) => x !== undefined);
    return {
      target: t,
      blockers: rows.filter((r) => r.cells[targets.indexOf(t)] === "blocker").length,
      warnings: rows.filter((r) => r.cells[targets.indexOf(t)] === "warning").length,
      score: vs.length === 0 ? 0 : Math.min(...vs.map((v) => v.score)),
    };
  });
  return { targets, rows, totals };
}

export function formatMatrix(m: Matrix): string {
  const w = Math.max(10, ...m.rows.map((r) => r.label.length));
  const cw = m.targets.map((t) => Math.max(t.length, 5));
  const line = (label: string, cells: string[]): string => `${label.padEnd(w)}  ${cells.map((c, i) => c.padStart(cw[i] ?? 5)).join("  ")}`.trimEnd();
  const out = [line("", m.targets)];
  for (const r of m.rows) out.push(line(r.label, r.cells.map((c) => MARK[c])));
  out.push(line("blockers", m.totals.map((t) => String(t.blockers))));
  out.push(line("warnings", m.totals.map((t) => String(t.warnings))));
  out.push(line("score", m.totals.map((t) => String(t.score))));
  const best = [...m.totals].sort((a, b) => a.blockers - b.blockers || a.warnings - b.warnings || b.score - a.score)[0];
  out.push("", `✖ blocker  ⚠ warning  · info  ✓ fine${best !== undefined ? `   best fit: ${best.target}` : ""}`);
  return out.join("\n") + "\n";
}
