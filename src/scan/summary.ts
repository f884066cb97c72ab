// @fileoverview The report's summary, tallied file by file as results come in: per target, files per verdict, the
// worst verdict, totals of blockers and warnings, and the syscalls that block the most files. Memory is bounded by
// targets x distinct syscalls, whatever the number of files; the result does not depend on the order of the files.

import { failsOn, worstVerdict } from "../verdict/rate.js";
import type { FailOn, FileReport, ReportSummary, TargetVerdict, Verdict } from "../types.js";
import { compareStrings } from "../util/compare.js";

/** Blocking syscalls named per target in the summary. */
const TOP_BLOCKERS = 10;

/** What the summary and the exit code need of a file's report: its path and, per target, the verdict, counts and blockers. */
export interface FileVerdicts {
  path: string;
  targets: (Pick<TargetVerdict, "target" | "verdict" | "counts"> & {
    /** The blocking syscalls, "name" or "name:mode", each once. */
    blocking?: string[];
  })[];
}

export function fileVerdicts(f: FileReport): FileVerdicts {
  return {
    path: f.path,
    targets: f.targets.map((t) => ({
      target: t.target,
      verdict: t.verdict,
      counts: t.counts,
      blocking: [...new Set(t.findings.filter((x) => x.severity === "blocker").map((x) => (x.mode !== undefined ? `${x.syscall}:${x.mode}` : x.syscall)))],
    })),
  };
}

interface Tally {
  files: Record<Verdict, number>;
  blockers: number;
  warnings: number;
  /** Files blocked by each syscall ("name" or "name:mode"). */
  blockedBy: Map<string, number>;
}

export class SummaryTally {
  private readonly byTarget = new Map<string, Tally>();
  private files = 0;
  private failing = false;

  constructor(
    private readonly targets: readonly string[],
    private readonly failOn: FailOn,
  ) {
    for (const t of targets) this.byTarget.set(t, { files: { compatible: 0, warnings: 0, blocked: 0, unknown: 0 }, blockers: 0, warnings: 0, blockedBy: new Map() });
  }

  add(f: FileVerdicts): void {
    this.files++;
    for (const v of f.targets) {
      if (failsOn(v, this.failOn)) this.failing = true;
      const t = this.byTarget.get(v.target);
      if (t === undefined) continue;
      t.files[v.verdict]++;
      t.blockers += v.counts.blockers;
      t.warnings += v.counts.warnings;
      for (const b of v.blocking ?? []) t.blockedBy.set(b, (t.blockedBy.get(b) ?? 0) + 1);
    }
  }

  /** Whether any file has a verdict at or over --fail-on (the exit code's 1). */
  get fails(): boolean {
    return this.failing;
  }

  summary(errors: number): ReportSummary {
    return {
      files: this.files,
      errors,
      verdicts: this.targets.map((name) => {
        const t = this.byTarget.get(name) as Tally;
        const seen = (Object.keys(t.files) as Verdict[]).filter((v) => t.files[v] > 0);
        const top = [...t.blockedBy]
          .sort(([a, n], [b, m]) => m - n || compareStrings(a, b))
          .slice(0, TOP_BLOCKERS)
          .map(([key, files]) => {
            const [syscall = key, mode] = key.split(":");
            return mode === undefined ? { syscall, files } : { syscall, mode, files };
          });
        return {
          target: name,
          verdict: seen.length === 0 ? "unknown" : worstVerdict(seen),
          blockers: t.blockers,
          warnings: t.warnings,
          files: { ...t.files },
          topBlockers: top,
        };
      }),
    };
  }
}
