// @fileoverview Markdown for a pull-request comment: a verdict table per target, the top blockers with their
// one-line advice, the rest in collapsible details; always under GitHub's 65,536-character comment limit (the details
// are cut first, with a line saying how many were left out).

import type { Verdict } from "../types.js";
import { reportIssues } from "./issues.js";
import type { Issue } from "./issues.js";
import type { Formatter } from "./types.js";

/** Characters a comment may take (GitHub's limit is 65,536). */
const MAX_CHARS = 65000;
/** Blockers shown before the details. */
const TOP = 10;

const ICON: Readonly<Record<Verdict, string>> = { compatible: "✅", warnings: "⚠️", blocked: "❌", unknown: "❓" };

/** Markdown table cells and inline text: no pipes, no newlines, no HTML. */
const md = (s: string): string => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/[<>]/g, (c) => (c === "<" ? "&lt;" : "&gt;")).replace(/\s*\n\s*/g, " ");
const code = (s: string): string => "`" + s.replace(/`/g, "'") + "`";

function issueLine(i: Issue): string {
  const where = i.location !== undefined ? `${i.path}:${i.location.line}` : i.path;
  const on = i.targets.filter((t) => t.level === i.level).map((t) => t.target).join(", ");
  const from = i.chain !== undefined ? ` from ${code(i.chain.join(" -> "))}` : "";
  const hint = i.hint !== undefined ? ` — ${md(i.hint)}` : "";
  return `- **${md(i.name)}** (${i.level} on ${on}) in ${code(where)}${from}${hint}`;
}

export const markdown: Formatter = (report) => {
  const s = report.summary;
  const head: string[] = [
    "## unifit: unikernel compatibility",
    "",
    `${s.files} file${s.files === 1 ? "" : "s"} scanned${s.errors > 0 ? `, ${s.errors} error${s.errors === 1 ? "" : "s"}` : ""}.`,
    "",
    "| target | verdict | files compatible | with warnings | blocked | unknown | blockers | warnings | top blocking syscalls |",
    "|---|---|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const v of s.verdicts) {
    const top = v.topBlockers.slice(0, 3).map((b) => code(`${b.syscall}${b.mode !== undefined ? ` (${b.mode})` : ""}`)).join(", ");
    head.push(`| ${md(v.target)} | ${ICON[v.verdict]} ${v.verdict} | ${v.files.compatible} | ${v.files.warnings} | ${v.files.blocked} | ${v.files.unknown} | ${v.blockers} | ${v.warnings} | ${top} |`);
  }
  const issues = reportIssues(report);
  const blockers = issues.filter((i) => i.level === "blocker" && i.origin !== "library");
  const first = (blockers.length > 0 ? blockers : issues.filter((i) => i.level === "blocker")).slice(0, TOP);
  if (first.length > 0) head.push("", "### Top blockers", "", ...first.map(issueLine));
  for (const e of report.errors) head.push(`- ⛔ ${code(e.path)}: ${md(e.message)}`);
  const rest = issues.filter((i) => !first.includes(i));
  const tail = ["", `<sub>unifit ${md(report.tool.version)}; fail-on: ${report.failOn}</sub>`, ""];
  let out = head.join("\n") + "\n";
  if (rest.length > 0) {
    const open = `\n<details><summary>All other findings (${rest.length})</summary>\n\n`;
    const close = "\n</details>\n";
    const budget = MAX_CHARS - out.length - open.length - close.length - tail.join("\n").length - 200;
    const lines: string[] = [];
    let used = 0;
    for (const i of rest) {
      const l = issueLine(i);
      if (used + l.length + 1 > budget) break;
      lines.push(l);
      used += l.length + 1;
    }
    if (lines.length < rest.length) lines.push(`- … and ${rest.length - lines.length} more (see the JSON or SARIF report)`);
    out += open + lines.join("\n") + close;
  }
  return out + tail.join("\n");
};
