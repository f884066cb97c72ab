// @fileoverview GitLab Code Quality (a CodeClimate subset): a JSON array of issues with description, check_name,
// fingerprint, severity and location, shown in the merge-request widget. One entry per issue (reportIssues); a
// binary has no lines, so its findings point at line 1 and name the function in the description.

import { reportIssues } from "./issues.js";
import type { Formatter } from "./types.js";

/** GitLab's severities: info, minor, major, critical, blocker. */
const SEVERITY = { blocker: "blocker", warning: "minor" } as const;

export const codequality: Formatter = (report) => {
  const entries = reportIssues(report).map((i) => {
    const where = i.location === undefined && i.chain !== undefined ? ` (${i.chain.join(" -> ")})` : "";
    const hint = i.hint !== undefined ? `. ${i.hint}` : "";
    return {
      description: `${i.kind === "rule" ? `${i.name}: ` : ""}${i.message}${i.kind === "syscall" ? "" : where}${hint}`,
      check_name: i.key,
      fingerprint: i.fingerprint,
      severity: SEVERITY[i.level],
      location: { path: i.path, lines: { begin: i.location?.line ?? 1 } },
    };
  });
  return JSON.stringify(entries, null, 2) + "\n";
};
