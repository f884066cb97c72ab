// @fileoverview SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers): one run, one SARIF rule per
// unifit rule and per syscall, one result per issue (reportIssues) with its targets in the message and in
// properties; source matches carry a region, binary findings the file plus function and address as logical
// locations (scanned with their sources: the first placed code site's source line, the rest related locations). partialFingerprints come from unifit so that alerts keep their identity across runs. GitHub takes at most
// 25,000 results per run: past MAX_RESULTS the rest are dropped, and a notification says how many.

import { createHash } from "node:crypto";
import type { FileReport } from "../types.js";
import { IssueOrder } from "./issues.js";
import type { Issue, RuleMeta } from "./issues.js";
import { memorySpool } from "./spool.js";
import { whole } from "./types.js";
import type { StreamFormatter } from "./types.js";

/** Results kept in the run (GitHub's own limit is 25,000 per run). */
const MAX_RESULTS = 5000;

const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
const INFO_URI = "https://github.com/unifit/unifit";

/** SARIF level: a blocker is an error, a warning a warning. */
const LEVEL = { blocker: "error", warning: "warning" } as const;

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  help?: { text: string };
  defaultConfiguration: { level: "error" | "warning" };
  properties: { tags: string[] };
}

function ruleFor(issue: Issue, r: RuleMeta | undefined): SarifRule {
  if (issue.kind === "rule") {
    const rule: SarifRule = {
      id: issue.key,
      name: issue.name,
      shortDescription: { text: r?.title ?? issue.name },
      defaultConfiguration: { level: LEVEL[issue.level] },
      properties: { tags: ["unikernel", "pattern", r?.category ?? "pattern"] },
    };
    if (r?.hint !== undefined) rule.help = { text: r.hint };
    return rule;
  }
  return {
    id: issue.key,
    name: issue.name,
    shortDescription: { text: `The program makes the ${issue.name} syscall, which some targets do not fully support` },
    defaultConfiguration: { level: LEVEL[issue.level] },
    properties: { tags: ["unikernel", "syscall"] },
  };
}

/** A binary's code site placed in its sources, as a SARIF location (the binary's function and address logical). */
function placeLocation(p: NonNullable<Issue["places"]>[number], chain: readonly string[] | undefined): Record<string, unknown> {
  return {
    physicalLocation: { artifactLocation: { uri: p.file }, region: { startLine: p.line, ...(p.column !== undefined ? { startColumn: p.column } : {}) } },
    logicalLocations: [{ name: p.function, kind: "function", ...(chain !== undefined && chain[chain.length - 2] === p.function ? { fullyQualifiedName: chain.join(" -> ") } : {}) }],
  };
}

function result(issue: Issue, ruleIndex: number): Record<string, unknown> {
  const physical: Record<string, unknown> = { artifactLocation: { uri: issue.path } };
  if (issue.location !== undefined) {
    physical.region = {
      startLine: issue.location.line,
      startColumn: issue.location.column,
      endLine: issue.location.endLine,
      endColumn: issue.location.endColumn,
      ...(issue.excerpt !== undefined ? { snippet: { text: issue.excerpt } } : {}),
    };
  }
  const location: Record<string, unknown> = { physicalLocation: physical };
  const fn = issue.function ?? issue.chain?.[issue.chain.length - 2];
  if (issue.location === undefined && fn !== undefined) {
    location.logicalLocations = [
      {
        name: fn,
        kind: "function",
        ...(issue.chain !== undefined ? { fullyQualifiedName: issue.chain.join(" -> ") } : {}),
      },
    ];
  }
  const lines = [issue.message + "."];
  for (const t of issue.targets) lines.push(`${t.target}: ${t.level}${t.status !== undefined ? ` (${t.status})` : ""}${t.note !== undefined ? `: ${t.note}` : ""}`);
  if (issue.hint !== undefined) lines.push(`Hint: ${issue.hint}`);
  // A binary scanned with its sources: the first code site's source line is where the result is; the binary and the
  // other sites are related locations.
  const places = issue.places ?? [];
  const first = places[0];
  const r: Record<string, unknown> = {
    ruleId: issue.key,
    ruleIndex,
    level: LEVEL[issue.level],
    message: { text: lines.join("\n") },
    locations: [first !== undefined ? placeLocation(first, issue.chain) : location],
    partialFingerprints: { "unifit/v1": issue.fingerprint },
    ...(first !== undefined
      ? {
          relatedLocations: [location, ...places.slice(1).map((p) => placeLocation(p, undefined))].map((l, id) => ({
            id,
            ...l,
            message: { text: id === 0 ? `the binary ${issue.path}` : `also from ${(places[id] as { function: string }).function} (code at ${(places[id] as { address: string }).address})` },
          })),
        }
      : {}),
    properties: {
      targets: issue.targets.map((t) => ({ target: t.target, level: t.level, ...(t.status !== undefined ? { status: t.status } : {}), ...(t.evidence !== undefined ? { evidence: t.evidence } : {}) })),
      ...(issue.address !== undefined ? { address: issue.address } : first !== undefined ? { address: first.address } : {}),
      ...(issue.origin !== undefined ? { origin: issue.origin } : {}),
    },
  };
  return r;
}

type Suppressed = { key: string; name: string; result: Record<string, unknown> };

/** A file's suppressed findings as SARIF results with `suppressions` (code scanning shows them as dismissed, with the reason). */
function suppressedResults(f: FileReport): Suppressed[] {
  const out: Suppressed[] = [];
  for (const s of f.suppressions ?? []) {
    const key = s.kind === "rule" ? `rule/${s.name}` : `syscall/${s.name.replace(/ \((\w+)\)$/, ":$1")}`;
    const physical: Record<string, unknown> = { artifactLocation: { uri: f.path } };
    if (s.line !== undefined) physical.region = { startLine: s.line };
    out.push({
      key,
      name: s.name,
      result: {
        ruleId: key,
        level: s.level === "blocker" ? "error" : s.level === "warning" ? "warning" : "note",
        message: { text: `${s.kind} ${s.name}${s.target !== undefined ? ` on ${s.target}` : ""}: suppressed (${s.reason})` },
        locations: [{ physicalLocation: physical }],
        partialFingerprints: { "unifit/v1": fingerprintOf([f.path, key, s.target ?? "", s.by, s.reason]) },
        suppressions: [{ kind: s.by === "inline" ? "inSource" : "external", justification: s.reason }],
      },
    });
  }
  return out;
}

const fingerprintOf = (parts: readonly string[]): string => createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);

/**
 * Streamed: the issues wait in report order (IssueOrder); the run keeps the first MAX_RESULTS of them and of the
 * suppressed findings, which is all the log holds, and counts the rest.
 */
export const sarifStream: StreamFormatter = (write, options) => {
  const order = new IssueOrder(options.spool ?? memorySpool);
  const suppressedAll: Suppressed[] = [];
  return {
    file(f) {
      order.add(f);
      for (const x of suppressedResults(f)) if (suppressedAll.length < MAX_RESULTS) suppressedAll.push(x);
    },
    end(report) {
      const kept: Issue[] = [];
      let total = 0;
      const rules = new Map<string, SarifRule>();
      order.drain((i, meta) => {
        total++;
        if (kept.length >= MAX_RESULTS) return;
        kept.push(i);
        if (!rules.has(i.key)) rules.set(i.key, ruleFor(i, meta));
      });
      const suppressed = suppressedAll.slice(0, Math.max(0, MAX_RESULTS - kept.length));
      for (const s of suppressed) {
        if (!rules.has(s.key)) {
          rules.set(s.key, { id: s.key, name: s.name, shortDescription: { text: s.key.startsWith("rule/") ? `Pattern ${s.name}` : `The ${s.name} syscall` }, defaultConfiguration: { level: "warning" }, properties: { tags: ["unikernel"] } });
        }
      }
      const ids = [...rules.keys()].sort();
      const index = new Map(ids.map((id, n) => [id, n]));
      const notifications: Record<string, unknown>[] = [];
      if (total > kept.length) {
        notifications.push({ level: "warning", message: { text: `${total - kept.length} of ${total} results left out (at most ${MAX_RESULTS} per run); the JSON report has them all.` } });
      }
      for (const e of report.errors) notifications.push({ level: "error", message: { text: `${e.path}: ${e.message}` }, properties: { code: e.code } });
      const log = {
        $schema: SCHEMA,
        version: "2.1.0",
        runs: [
          {
            tool: {
              driver: {
                name: "unifit",
                version: report.tool.version,
                informationUri: INFO_URI,
                rules: ids.map((id) => rules.get(id)),
              },
            },
            invocations: [{ executionSuccessful: report.errors.length === 0, toolExecutionNotifications: notifications }],
            results: [...kept.map((i) => result(i, index.get(i.key) as number)), ...suppressed.map((x) => ({ ...x.result, ruleIndex: index.get(x.key) as number }))],
            properties: { targets: report.targets.map((t) => t.name), failOn: report.failOn },
          },
        ],
      };
      write(JSON.stringify(log, null, 2) + "\n");
    },
  };
};

export const sarif = whole(sarifStream);
