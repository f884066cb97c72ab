// @fileoverview JUnit XML for CI test reports (GitLab, Jenkins, GitHub test-report actions): a test suite per
// scanned file, a test case per target, failed when the target is blocked (and, with --fail-on warning, when it has
// warnings); an unknown verdict or an unreadable input is an error. The failure text lists the blockers.

import type { Report, TargetVerdict } from "../types.js";
import { memorySpool } from "./spool.js";
import { whole } from "./types.js";
import type { StreamFormatter } from "./types.js";

// eslint-disable-next-line no-control-regex -- matching the control characters XML 1.0 forbids is its purpose
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/** XML 1.0 text and attribute values: the five entities, and no control characters XML forbids. */
function xmlEscape(s: string): string {
  return s
    .replace(XML_FORBIDDEN, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function failed(t: TargetVerdict, failOn: Report["failOn"]): boolean {
  if (failOn === "none") return false;
  return t.verdict === "blocked" || (failOn === "warning" && t.verdict === "warnings");
}

/** Streamed: the suites wait in a spool for the totals that the first line carries. */
export const junitStream: StreamFormatter = (write, options) => {
  const suites = (options.spool ?? memorySpool)();
  let first = true;
  let tests = 0;
  let failures = 0;
  let errors = 0;
  const suite = (text: string): void => {
    suites.write(first ? text : `\n${text}`);
    first = false;
  };
  let failOn: Report["failOn"] | undefined;
  return {
    head(shell) {
      failOn = shell.failOn;
    },
    file(f) {
      const cases: string[] = [];
      let suiteFailures = 0;
      let suiteErrors = 0;
      for (const t of f.targets) {
        const name = `${t.target}: ${t.verdict}, score ${t.score}`;
        const head = `    <testcase classname="${xmlEscape(f.path)}" name="${xmlEscape(t.target)}">`;
        const detail = t.statement ?? t.findings
          .filter((x) => x.severity !== "info")
          .map((x) => `${x.severity} ${x.syscall}${x.mode !== undefined ? ` (${x.mode})` : ""}: ${x.status}${x.note !== undefined ? `: ${x.note}` : ""}${x.chain !== undefined ? `\n  from ${x.chain.join(" -> ")}` : ""}${x.hint !== undefined ? `\n  hint: ${x.hint}` : ""}`)
          .join("\n");
        if (t.verdict === "unknown") {
          suiteErrors++;
          cases.push(`${head}\n      <error message="${xmlEscape(name)}" type="unknown">${xmlEscape(detail)}</error>\n    </testcase>`);
        } else if (failed(t, failOn as Report["failOn"])) {
          suiteFailures++;
          const msg = `${t.target}: ${t.verdict}, ${t.counts.blockers} blocker(s), ${t.counts.warnings} warning(s)`;
          cases.push(`${head}\n      <failure message="${xmlEscape(msg)}" type="${t.verdict}">${xmlEscape(detail)}</failure>\n    </testcase>`);
        } else {
          cases.push(`${head.slice(0, -1)} />`);
        }
      }
      tests += f.targets.length;
      failures += suiteFailures;
      errors += suiteErrors;
      suite(`  <testsuite name="${xmlEscape(f.path)}" tests="${f.targets.length}" failures="${suiteFailures}" errors="${suiteErrors}">\n${cases.join("\n")}\n  </testsuite>`);
    },
    end(report) {
      for (const e of report.errors) {
        tests++;
        errors++;
        suite(
          `  <testsuite name="${xmlEscape(e.path)}" tests="1" failures="0" errors="1">\n    <testcase classname="${xmlEscape(e.path)}" name="read">\n      <error message="${xmlEscape(e.message)}" type="${xmlEscape(e.code)}" />\n    </testcase>\n  </testsuite>`,
        );
      }
      write(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="unifit" tests="${tests}" failures="${failures}" errors="${errors}">\n`);
      for (const chunk of suites.chunks()) write(chunk);
      write("\n</testsuites>\n");
    },
  };
};

export const junit = whole(junitStream);
