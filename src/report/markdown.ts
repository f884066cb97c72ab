// @fileoverview Markdown for a pull-request comment: a verdict table per target, the top blockers with their
// one-line advice, the rest in collapsible details; always under GitHub's 65,536-character comment limit (the details
// are cut first, with a line saying how many were left out).

import type { Verdict } from "../types.js";
import { IssueOrder } from "./issues.js";
import type { Issue } from "./issues.js";
import { memorySpool } from "./spool.js";
import { whole } from "./types.js";
import type { StreamFormatter } from "./types.js";

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

/**
 * Streamed: the issues come in report order (IssueOrder) and only what the comment can hold is kept: the first TOP
 * blockers (of the program's own, and of any origin), and the issue lines that fit in MAX_CHARS past those.
 */
export const markdownStream: StreamFormatter = (write, options) => {
  const order = new IssueOrder(options.spool ?? memorySpool);
  return {
    file: (f) => order.add(f),
    end(report) {
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
      // Issue n's line, kept while the lines that cannot be a top blocker fit in a comment.
      const kept: { n: number; line: string }[] = [];
      const ownBlockers: number[] = [];
      const anyBlockers: number[] = [];
      const topLines = new Map<number, string>();
      let surely = 0;
      let total = 0;
      order.drain((i) => {
        const n = total++;
        const top = i.level === "blocker" && anyBlockers.length < TOP ? anyBlockers : undefined;
        const own = i.level === "blocker" && i.origin !== "library" && ownBlockers.length < TOP ? ownBlockers : undefined;
        top?.push(n);
        own?.push(n);
        if (top !== undefined || own !== undefined) topLines.set(n, issueLine(i));
        if (surely > MAX_CHARS) return;
        const line = topLines.get(n) ?? issueLine(i);
        kept.push({ n, line });
        if (top === undefined && own === undefined) surely += line.length + 1;
      });
      const first = ownBlockers.length > 0 ? ownBlockers : anyBlockers;
      if (first.length > 0) head.push("", "### Top blockers", "", ...first.map((n) => topLines.get(n) as string));
      for (const e of report.errors) head.push(`- ⛔ ${code(e.path)}: ${md(e.message)}`);
      const inFirst = new Set(first);
      const rest = total - first.length;
      const tail = ["", `<sub>unifit ${md(report.tool.version)}; fail-on: ${report.failOn}</sub>`, ""];
      let out = head.join("\n") + "\n";
      if (rest > 0) {
        const open = `\n<details><summary>All other findings (${rest})</summary>\n\n`;
        const close = "\n</details>\n";
        const budget = MAX_CHARS - out.length - open.length - close.length - tail.join("\n").length - 200;
        const lines: string[] = [];
        let used = 0;
        for (const { n, line } of kept) {
          if (inFirst.has(n)) continue;
          if (used + line.length + 1 > budget) break;
          lines.push(line);
          used += line.length + 1;
        }
        if (lines.length < rest) lines.push(`- … and ${rest - lines.length} more (see the JSON or SARIF report)`);
        out += open + lines.join("\n") + close;
      }
      write(out + tail.join("\n"));
    },
  };
};

export const markdown = whole(markdownStream);
