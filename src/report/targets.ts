// @fileoverview Renders the target list (`unifit targets`) as a table or JSON: upstream pin and counts per status.

import type { Database, Surface } from "../db/types.js";
import { STATUSES } from "../db/load.js";
import type { Status } from "../types.js";
import { byName } from "../util/compare.js";

export interface TargetListing {
  name: string;
  title: string;
  kind: string;
  processModel: string;
  /** What it takes to run a program there: linux-binary targets are the ones scanned by default. */
  runs: string;
  upstream: { repo?: string; commit?: string; date?: string; package?: string; version?: string };
  counts: Record<Status, number>;
  summary: string;
  aliasOf?: string;
  noPosix?: string;
  /** A build profile of a configurable target (unikraft:multiprocess): what it enables and where that is read. */
  profile?: { name: string; description: string; evidence: string; kconfig?: string[] };
}

export function listTargets(db: Database): TargetListing[] {
  return [...db.surfaces.values()]
    .sort(byName)
    .map((s: Surface) => {
      const counts = Object.fromEntries(STATUSES.map((st) => [st, 0])) as Record<Status, number>;
      for (const row of s.rows.values()) counts[row.status]++;
      const { how: _how, ...upstream } = s.upstream;
      const row: TargetListing = { name: s.name, title: s.title, kind: s.kind, processModel: s.processModel, runs: s.runs, upstream, counts, summary: s.summary };
      if (s.aliasOf !== undefined) row.aliasOf = s.aliasOf;
      if (s.noPosix !== undefined) row.noPosix = s.noPosix;
      if (s.profile !== undefined) row.profile = s.profile;
      return row;
    });
}

export function formatTargetsTable(rows: readonly TargetListing[]): string {
  const header = ["target", "kind", "runs", "upstream", "commit", "date", ...STATUSES];
  const body = rows.map((r) => [
    r.name,
    r.kind,
    r.runs,
    (r.aliasOf !== undefined ? `= ${r.aliasOf}: ` : "") + (r.upstream.repo ?? r.upstream.package ?? ""),
    r.upstream.commit?.slice(0, 12) ?? r.upstream.version ?? "",
    r.upstream.date ?? "",
    ...STATUSES.map((st) => String(r.counts[st])),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i >= 6 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  return [line(header), ...body.map(line)].join("\n") + "\n";
}

/** CSV with the same columns as the table (RFC 4180 quoting). */
export function formatTargetsCsv(rows: readonly TargetListing[]): string {
  const q = (v: string): string => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const header = ["target", "title", "kind", "process_model", "runs", "alias_of", "repo", "commit", "date", "package", "version", ...STATUSES];
  const body = rows.map((r) => [
    r.name,
    r.title,
    r.kind,
    r.processModel,
    r.runs,
    r.aliasOf ?? "",
    r.upstream.repo ?? "",
    r.upstream.commit ?? "",
    r.upstream.date ?? "",
    r.upstream.package ?? "",
    r.upstream.version ?? "",
    ...STATUSES.map((st) => String(r.counts[st])),
  ]);
  return [header, ...body].map((l) => l.map(q).join(",")).join("\n") + "\n";
}
