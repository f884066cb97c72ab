// @fileoverview Rates reached syscalls against one target surface: status → severity, score and verdict.
// Pure functions; knows nothing of how the syscalls were found.

import { ARG_SPECS, UNKNOWN, argLabel, argRuleFor } from "../db/args.js";
import type { ArgSpec } from "../db/args.js";
import { argEvidence, rowEvidence } from "../db/load.js";
import type { Hints, Surface, SurfaceRow } from "../db/types.js";
import type { FailOn, Finding, ReachedSyscall, Status, TargetVerdict, Verdict, Via } from "../types.js";
import { compareOptional, compareStrings } from "../util/compare.js";
import { LEVEL_OF_STATUS, LEVEL_RANK, statusOf } from "./levels.js";

/** A way in as a finding names it (Finding.via). */
export function viaLabel(v: Via): string {
  if (v.kind === "startup") return "libc start-up";
  if (v.kind === "site") return `${v.function} (code at ${v.address}${v.flags !== undefined ? `, flags ${v.flags}` : ""})`;
  if (v.kind === "source") return `${v.function} (${v.address})`;
  return v.version ? `${v.function}@${v.version}` : `${v.function}`;
}

/** A finding names at most this many ways in; the file's syscall inventory lists them all. */
const MAX_VIA = 12;
function capVia(labels: string[]): string[] {
  return labels.length > MAX_VIA ? [...labels.slice(0, MAX_VIA), `... ${labels.length - MAX_VIA} more (see the syscall inventory)`] : labels;
}

function hintFor(hints: Hints, surface: Surface, syscall: string, mode: string | undefined): string | undefined {
  const byModel = (mode !== undefined ? hints.get(`${syscall}:${mode}`) : undefined) ?? hints.get(syscall);
  if (byModel === undefined) return undefined;
  const text = byModel[surface.processModel] ?? byModel.any;
  return text?.replaceAll("{{title}}", surface.title.split(" (")[0] ?? surface.title);
}

export interface RateContext {
  surface: Surface;
  hints: Hints;
  /** No analysis could see the file's syscalls (e.g. a static binary for now): the verdict is unknown. */
  blind: boolean;
}

/**
 * The ways into one syscall (and mode) as a finding shows them, and the qualifier they allow: the same for every
 * target, so computed once per reached syscall and remembered (a syscall can be reached through hundreds of
 * imported functions, and a scan rates it for a dozen targets).
 */
interface ViaSummary {
  labels: string[];
  allTolerated: boolean;
  allToleratedOrError: boolean;
  allSoft: boolean;
  anyConditional: boolean;
  /** Some soft way in is only through a function pointer a library stores in its data. */
  anyPointer: boolean;
  /** A way in that decides (neither tolerated nor qualified) is the program's own: its code, or its direct call of
   * the libc function that makes the syscall. */
  ownHard: boolean;
  /** What a runtime falls back to on the tolerated ways in (the first in text order). */
  fallback?: string;
  empty: boolean;
}
const summaries = new WeakMap<ReachedSyscall, Map<string, ViaSummary>>();

/**
 * Every distinct via label of a file's syscalls, sorted once, and each via's rank among them: a syscall's labels are
 * then put in order by sorting small integers, not strings (a file reaches dozens of syscalls through the same
 * hundreds of imported functions).
 */
interface LabelRanks {
  rankOf: Map<Via, number>;
  labels: string[];
}
const labelRanks = new WeakMap<readonly ReachedSyscall[], LabelRanks>();

function ranksFor(syscalls: readonly ReachedSyscall[]): LabelRanks {
  let r = labelRanks.get(syscalls);
  if (r !== undefined) return r;
  const labelOf = new Map<Via, string>();
  const distinct = new Set<string>();
  for (const sc of syscalls) {
    for (const v of sc.via) {
      if (labelOf.has(v)) continue;
      const l = viaLabel(v);
      labelOf.set(v, l);
      distinct.add(l);
    }
  }
  const labels = [...distinct].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const rankOf = new Map<Via, number>();
  for (const [v, l] of labelOf) rankOf.set(v, index.get(l) as number);
  r = { rankOf, labels };
  labelRanks.set(syscalls, r);
  return r;
}

/** Whether a runtime's fallback covers a refusal with this errno. */
function covers(v: Via, errno: string): boolean {
  return v.fallback !== undefined && (v.fallback.errors.includes("*") || v.fallback.errors.includes(errno));
}

/** Calls decided by a socket option: a refusal of one option is rated a warning (see rate()). */
const SOCKET_OPTION_CALLS: ReadonlySet<string> = new Set(["setsockopt", "getsockopt"]);

/**
 * `errno`: what the target's refusal fails with (ENOSYS unless the row says otherwise); a way in whose runtime falls
 * back after that errno counts as tolerated.
 */
function summarize(sc: ReachedSyscall, mode: string | undefined, errno: string, ranks: LabelRanks, strict = false): ViaSummary {
  let byMode = summaries.get(sc);
  if (byMode === undefined) summaries.set(sc, (byMode = new Map<string, ViaSummary>()));
  const key = `${strict ? "\u0001" : ""}${mode ?? ""}\u0000${errno}`;
  const known = byMode.get(key);
  if (known !== undefined) return known;
  // strict (argument modes): exactly the ways in with this mode, or with none when mode is undefined.
  const vias = strict
    ? sc.via.filter((v) => v.mode === mode)
    : mode === undefined ? sc.via : sc.via.filter((v) => v.mode === mode || v.mode === undefined);
  let allTolerated = true;
  let allToleratedOrError = true;
  let allSoft = true;
  let anyConditional = false;
  let ownHard = false;
  let anyPointer = false;
  const order = new Int32Array(vias.length);
  let n = 0;
  let fallback: string | undefined;
  for (const v of vias) {
    const viaFallback = covers(v, errno);
    const t = v.tolerated === true || viaFallback;
    if (viaFallback && v.fallback !== undefined) {
      const text = `${v.fallback.does}${v.fallback.to.length > 0 ? ` (${v.fallback.to.join(", ")})` : ""}; ${v.fallback.runtime}: ${v.fallback.at}`;
      if (fallback === undefined || text < fallback) fallback = text;
    }
    if (!t) allTolerated = false;
    if (!t && v.errorPath !== true) allToleratedOrError = false;
    if (v.viaPointer === true && !t) anyPointer = true;
    if (!t && v.conditional !== true && v.errorPath !== true && v.rarePath !== true && v.viaPointer !== true) {
      allSoft = false;
      if (v.kind === "import" || v.kind === "site" || v.kind === "source") ownHard = true;
    }
    if (v.conditional === true) anyConditional = true;
    order[n++] = ranks.rankOf.get(v) ?? -1;
  }
  order.sort();
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = order[i] as number;
    if (i > 0 && k === order[i - 1]) continue;
    labels.push(k >= 0 ? (ranks.labels[k] as string) : "");
  }
  const summary: ViaSummary = {
    labels: capVia(labels),
    allTolerated,
    allToleratedOrError,
    allSoft,
    anyConditional,
    anyPointer,
    ownHard,
    empty: vias.length === 0,
  };
  if (fallback !== undefined) summary.fallback = fallback;
  byMode.set(key, summary);
  return summary;
}

/** The first (shortest, unqualified first) chain of the syscall for this mode: see ReachedSyscall.chains. */
function chainFor(sc: ReachedSyscall, mode: string | undefined): string[] | undefined {
  const c = sc.chains?.find((x) => mode === undefined || x.mode === undefined || x.mode === mode);
  return c?.chain.slice();
}

/** One row per (syscall, mode) with a status other than full. */
function rate(sc: ReachedSyscall, ctx: RateContext, ranks: LabelRanks): { status: Status; finding?: Finding }[] {
  const row: SurfaceRow = ctx.surface.rows.get(sc.name) ?? {
    status: "absent",
    at: "-:0",
    note: `not in ${ctx.surface.name}'s ${ctx.surface.arch} table`,
  };
  // With modes on the row and known modes on the call, each mode is rated on its own; otherwise the row decides.
  // Argument rules (socket's domain...): each value the calls pass is rated by its rule, calls whose value is not
  // known (mode "unknown", or ways in that carry none) by the row.
  const byArg = row.args !== undefined && ARG_SPECS.has(sc.name);
  const modes: (string | undefined)[] = byArg
    ? [...sc.modes, ...(sc.modes.length === 0 || sc.via.some((v) => v.mode === undefined) ? [undefined] : [])]
    : row.modes !== undefined && sc.modes.length > 0 ? sc.modes : [undefined];
  return modes.map((mode) => {
    const rule = byArg && mode !== undefined && mode !== UNKNOWN ? argRuleFor(sc.name, row.args ?? {}, mode) : undefined;
    const status = rule?.status ?? statusOf(row, mode);
    let severity = LEVEL_OF_STATUS[status];
    if (severity === "ok") return { status };
    const vias = summarize(sc, mode, rule?.errno ?? row.errno ?? "ENOSYS", ranks, byArg);
    // A failure the libc absorbs is information; a call made only on an opt-in path cannot block on its own.
    let qualifier: Finding["qualifier"];
    if (row.notMade !== undefined) {
      severity = "info";
      qualifier = "not-made";
    } else if (!vias.empty && vias.allTolerated) {
      severity = "info";
      qualifier = "tolerated";
    } else if (!vias.empty && vias.allToleratedOrError) {
      severity = "info";
      qualifier = "error-path";
    } else if (severity === "blocker" && !vias.empty && vias.allSoft) {
      severity = "warning";
      qualifier = vias.anyConditional ? "conditional" : vias.anyPointer ? "via-pointer" : "rare-path";
    } else if (severity === "blocker" && rule !== undefined && SOCKET_OPTION_CALLS.has(sc.name)) {
      // A refused socket option fails that one call. Linux refuses options too (by kernel version, configuration
      // and privilege), so programs test the result and carry on: nginx logs "getsockopt(TCP_FASTOPEN) ... failed,
      // ignored" (src/core/ngx_connection.c:322-335, 936-946 at nginx release-1.22.1), libuv ignores a failed
      // getsockopt(IP_MTU). What the program does then is its own code's business: a warning, not a blocker.
      severity = "warning";
      qualifier = "option-refused";
    }
    const finding: Finding = {
      syscall: sc.name,
      nr: sc.nr,
      status,
      severity,
      evidence: rule !== undefined ? argEvidence(ctx.surface, row, rule) : rowEvidence(ctx.surface, row),
      via: vias.labels.slice(),
    };
    if (mode !== undefined) finding.mode = mode;
    if (byArg) finding.argument = argLabel(ARG_SPECS.get(sc.name) as ArgSpec);
    const chain = chainFor(sc, mode);
    if (chain !== undefined) finding.chain = chain;
    if (qualifier !== undefined) finding.qualifier = qualifier;
    if (severity === "blocker") finding.origin = vias.ownHard ? "program" : "library";
    if (qualifier === "tolerated" && vias.fallback !== undefined) finding.fallback = vias.fallback;
    if (row.note !== undefined) finding.note = row.note;
    if (rule !== undefined) {
      // The value's own rule: its note, else what it fails with.
      const fails = rule.status === "enosys" || rule.status === "absent" ? `fails with ${rule.errno ?? "ENOSYS"}` : rule.status;
      finding.note = `${finding.argument} ${mode}: ${rule.note ?? fails}`;
    } else if (byArg && (mode === UNKNOWN || mode === undefined)) {
      finding.note = `${finding.argument} not known where the call is made, rated by the row: ${row.note ?? status}`;
    }
    if (row.notMade !== undefined) {
      finding.note = `${row.note ?? status}; never made here: ${row.notMade.note} (${row.notMade.at})`;
    }
    const hint = hintFor(ctx.hints, ctx.surface, sc.name, mode);
    if (hint !== undefined) finding.hint = hint;
    return { status, finding };
  });
}

export function rateTarget(syscalls: readonly ReachedSyscall[], ctx: RateContext): TargetVerdict {
  if (ctx.surface.noPosix !== undefined) {
    // One plain statement instead of a blocker per syscall: nothing of the program can run there as it is.
    return {
      target: ctx.surface.name,
      title: ctx.surface.title,
      verdict: "blocked",
      score: 0,
      counts: { blockers: 1, libraryBlockers: 0, warnings: 0, info: 0, ok: 0 },
      findings: [],
      statement: ctx.surface.noPosix,
    };
  }
  const counts = { blockers: 0, libraryBlockers: 0, warnings: 0, info: 0, ok: 0 };
  const findings: Finding[] = [];
  const ranks = ranksFor(syscalls);
  for (const sc of syscalls) {
    for (const r of rate(sc, ctx, ranks)) {
      if (r.finding === undefined) counts.ok++;
      else {
        findings.push(r.finding);
        if (r.finding.severity === "blocker") {
          counts.blockers++;
          if (r.finding.origin === "library") counts.libraryBlockers++;
        }
        else if (r.finding.severity === "warning") counts.warnings++;
        else counts.info++;
      }
    }
  }
  findings.sort(
    (a, b) =>
      LEVEL_RANK[b.severity] - LEVEL_RANK[a.severity] ||
      a.nr - b.nr ||
      compareStrings(a.syscall, b.syscall) ||
      compareOptional(a.mode, b.mode),
  );
  const total = counts.ok + counts.blockers + counts.warnings + counts.info;
  const score = total === 0 ? (ctx.blind ? 0 : 100) : Math.round((100 * (counts.ok + counts.info + 0.5 * counts.warnings)) / total);
  let verdict: Verdict = counts.blockers > 0 ? "blocked" : counts.warnings > 0 ? "warnings" : "compatible";
  if (ctx.blind && verdict !== "blocked") verdict = "unknown";
  return { target: ctx.surface.name, title: ctx.surface.title, verdict, score, counts, findings };
}

/** Whether a verdict reaches the --fail-on threshold. An unknown verdict fails any threshold but none. */
export function failsOn(v: Pick<TargetVerdict, "verdict">, failOn: FailOn): boolean {
  if (failOn === "none") return false;
  if (v.verdict === "blocked" || v.verdict === "unknown") return true;
  return failOn === "warning" && v.verdict === "warnings";
}

const VERDICT_RANK: Record<Verdict, number> = { compatible: 0, warnings: 1, unknown: 2, blocked: 3 };

export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((w, v) => (VERDICT_RANK[v] > VERDICT_RANK[w] ? v : w), "compatible");
}
