// @fileoverview The human report: per file, one verdict line per target, then blockers and warnings with the
// status, the target's note, what in the binary leads there and a porting hint. Colour comes from options.chalk.

import type { ChalkInstance } from "chalk";
import type { CallChain, CodeSite, FileReport, Finding, ImageReport, Report, RuleFinding, SourceCallSite, TargetVerdict, Verdict } from "../types.js";
import { memorySpool } from "./spool.js";
import { whole } from "./types.js";
import type { StreamFormatter } from "./types.js";
import { byName } from "../util/compare.js";

const VERDICT_TEXT: Record<Verdict, string> = {
  compatible: "compatible",
  warnings: "works with warnings",
  blocked: "blocked",
  unknown: "unknown",
};

function verdictColour(c: ChalkInstance, v: Verdict): (s: string) => string {
  return v === "blocked" ? c.red.bold : v === "warnings" ? c.yellow : v === "unknown" ? c.magenta : c.green;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function describeFile(f: FileReport): string {
  const b = f.binary;
  if (b === undefined) {
    const src = f.source;
    const warn = src !== undefined && src.warnings.length > 0 ? ` (${src.warnings.join("; ")})` : "";
    return `${f.kind === "cpp" ? "C++" : "C"} source, ${src?.lines ?? 0} lines, ${plural(f.rules.reduce((n, r) => n + r.hits.length, 0), "pattern")} found${warn}`;
  }
  const lang = b.goVersion !== undefined ? `Go ${b.goVersion.replace(/^go/, "")}` : b.rust ? "Rust" : undefined;
  // A dynamically linked file without PT_INTERP cannot be started itself: it is a shared library, rated on what its
  // exported functions reach.
  const linkage = b.linkage === "dynamic" && b.interp === undefined ? "shared library" : b.linkage + (b.pie && b.linkage === "dynamic" ? " PIE" : "");
  const parts = [`ELF ${b.arch}`, linkage];
  if (b.libc !== "go") parts.push(b.libc === "none" ? "no libc" : b.libc);
  if (lang !== undefined) parts.push(lang);
  parts.push(b.stripped ? "stripped" : "not stripped");
  const through: string[] = [];
  if (b.importsMapped > 0) through.push(plural(b.importsMapped, "imported function"));
  if (b.code.sites > 0) through.push(`${plural(b.code.sites, "code site")} in ${b.code.reachable} reachable functions`);
  const reach = f.syscalls.length > 0 ? `, ${plural(f.syscalls.length, "syscall")} reachable${through.length > 0 ? ` through ${through.join(" and ")}` : ""}` : "";
  return parts.join(", ") + reach;
}

function viaText(vias: readonly string[], verbose: boolean): string {
  const max = verbose ? vias.length : 6;
  const shown = vias.slice(0, max).join(", ");
  return vias.length > max ? `${shown} and ${vias.length - max} more` : shown;
}

/** Why a finding is rated lower than its status alone implies. */
const QUALIFIER_TEXT: Readonly<Record<NonNullable<Finding["qualifier"]>, string>> = {
  tolerated: " (libc carries on when it fails)",
  conditional: " (only on a path the caller opts into)",
  "error-path": " (only on the way to abort())",
  "rare-path": " (only on a rare path in the library's code)",
  "via-pointer": " (only through a function pointer a library stores in its data)",
  "not-made": " (this target never lets the program make it)",
  "option-refused": " (a refused socket option: that call fails, the program decides what follows)",
};

/** A call chain as text: `main -> serve_background -> fork@GLIBC_2.2.5` (Latin-1: see "Reports in Latin-1 text"). */
const chainText = (chain: readonly string[]): string => chain.join(" -> ");

/** The syscall's chains that fit a finding's mode. */
type ChainsOf = (f: Finding) => readonly CallChain[];

/**
 * The "from" line: the finding's chain first (the program's own functions, then what they call), then the other ways
 * in; with --verbose, one more line per other chain.
 */
function fromLines(f: Finding, chains: readonly CallChain[], why: string, verbose: boolean): string[] {
  const pad = "               ";
  if (f.chain === undefined) return [`${pad}from ${viaText(f.via, verbose)}${why}`];
  const shown = chains.find((x) => x.chain.length === f.chain?.length && x.chain.every((n, i) => n === f.chain?.[i]));
  const end = f.chain[f.chain.length - 1] as string;
  // The chain's end is named once: its import, or its function's sites.
  const others = f.via.filter((v) => v !== end && v !== shown?.from && !v.startsWith(`${end} (code at `));
  // The program's own functions that lead in by other ways come before the imported names they call.
  const chain = f.chain;
  const own = [...new Set(chains.flatMap((x) => x.callers))].filter((n) => !chain.includes(n));
  const also = [own.length > 0 ? `in ${viaText(own, verbose)}` : "", others.length > 0 ? `${own.length > 0 ? "through " : ""}${viaText(others, verbose)}` : ""].filter((x) => x !== "");
  const lines = [`${pad}from ${chainText(f.chain)}${also.length > 0 ? `; also ${also.join(", ")}` : ""}${why}`];
  if (verbose) for (const x of chains) if (x !== shown) lines.push(`${pad}  via ${chainText(x.chain)}`);
  return lines;
}

/** Code sites a finding's "at" line shows (--verbose: all the report has). */
const MAX_AT = 3;

/** A code site's source place: `spawn.c:10:15 (in spawn_worker)`, how it was found when not by the line table. */
function placeText(s: CodeSite): string | undefined {
  const p = s.source;
  if (p === undefined) return undefined;
  const where = `${p.file}:${p.line}${p.column !== undefined ? `:${p.column}` : ""}`;
  if (p.how === "dwarf") return `${where} (in ${s.function})`;
  if (p.ambiguous !== undefined) return `one of ${p.ambiguous.join(", ")} (in ${s.function}: a function of that name in ${p.ambiguous.length} files)`;
  return `${where} (in ${s.function}${p.at === "function" ? ", its first line" : ""}, by function name)`;
}

/** The "at" line of a binary scanned with its sources: where its code sites are in them. */
function atLine(f: Finding, verbose: boolean): string | undefined {
  const places = (f.sites ?? []).map(placeText).filter((t) => t !== undefined);
  if (places.length === 0) return undefined;
  const shown = verbose ? places : places.slice(0, MAX_AT);
  const more = places.length - shown.length + (f.moreSites ?? 0);
  return `               at ${shown.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}

function findingLines(c: ChalkInstance, f: Finding, verbose: boolean, chainsOf: ChainsOf): string[] {
  const mark = f.severity === "blocker" ? c.red("✖ blocker") : f.severity === "warning" ? c.yellow("⚠ warning") : c.blue("ℹ info   ");
  const name = c.bold(f.syscall + (f.mode !== undefined ? ` (${f.mode})` : ""));
  const lines = [`    ${mark}  ${name}  ${f.status}${f.note !== undefined ? `: ${f.note}` : ""}`];
  const why =
    f.qualifier === undefined ? "" : f.qualifier === "tolerated" && f.fallback !== undefined ? " (the runtime carries on when it fails)" : QUALIFIER_TEXT[f.qualifier];
  lines.push(...fromLines(f, chainsOf(f), why, verbose));
  const at = atLine(f, verbose);
  if (at !== undefined) lines.push(at);
  if (f.fallback !== undefined) lines.push(`               falls back: ${f.fallback}`);
  if (f.hint !== undefined) lines.push(`               ${c.cyan("hint:")} ${f.hint}`);
  if (verbose) lines.push(c.dim(`               evidence: ${f.evidence}`));
  return lines;
}

function targetLines(c: ChalkInstance, t: TargetVerdict, verbose: boolean, nameWidth: number, chainsOf: ChainsOf, libc: string | undefined): string[] {
  const own = t.counts.blockers - t.counts.libraryBlockers;
  const blockers =
    t.counts.blockers === 0 || t.statement !== undefined
      ? plural(t.counts.blockers, "blocker")
      : t.counts.libraryBlockers === 0
        ? `${plural(t.counts.blockers, "blocker")} (in the program's own use)`
        : own === 0
          ? `${plural(t.counts.blockers, "blocker")} (only inside libraries)`
          : `${plural(t.counts.blockers, "blocker")} (${own} in the program's own use, ${t.counts.libraryBlockers} only inside libraries)`;
  const counts = [blockers, plural(t.counts.warnings, "warning")];
  if (t.counts.info > 0) counts.push(`${t.counts.info} info`);
  const head = `  ${t.target.padEnd(nameWidth)}  ${verdictColour(c, t.verdict)(VERDICT_TEXT[t.verdict].padEnd(19))}  score ${String(t.score).padStart(3)}  ${counts.join(", ")}`;
  if (t.statement !== undefined) return [`  ${t.target.padEnd(nameWidth)}  ${verdictColour(c, t.verdict)(VERDICT_TEXT[t.verdict].padEnd(19))}  ${t.statement}`];
  const shown = t.findings.filter((f) => verbose || f.severity !== "info");
  // What the libc's own start-up makes is the same for every program on that libc: one line, not one finding each.
  const startup = verbose ? [] : shown.filter((f) => f.via.length === 1 && f.via[0] === STARTUP && f.severity !== "blocker");
  const lines = [head, ...shown.filter((f) => !startup.includes(f)).flatMap((f) => findingLines(c, f, verbose, chainsOf))];
  if (startup.length > 0) {
    lines.push(`    ${c.dim(`the ${libc ?? "libc"} start-up needs: ${startup.map((f) => `${f.syscall} (${f.status})`).join(", ")}`)}`);
  }
  return lines;
}

const STARTUP = "libc start-up";

/** Places a pattern matched that the text report lists; the JSON report has them all. */
const MAX_HITS = 5;

function ruleLines(c: ChalkInstance, f: FileReport, r: RuleFinding): string[] {
  const worst = r.targets.some((t) => t.level === "blocker") ? "blocker" : r.targets.some((t) => t.level === "warning") ? "warning" : "info";
  const mark = worst === "blocker" ? c.red("✖") : worst === "warning" ? c.yellow("⚠") : c.blue("ℹ");
  const lines: string[] = [];
  for (const h of r.hits.slice(0, MAX_HITS)) {
    const where =
      h.location !== undefined ? `${f.path}:${h.location.line}:${h.location.column}` : h.function !== undefined ? `${h.function}${h.address !== undefined ? ` (${h.address})` : ""}` : "";
    lines.push(`    ${mark} ${c.bold(r.ruleId)}  ${where}  ${h.message}`);
    if (h.excerpt !== undefined) lines.push(c.dim(`        ${h.excerpt}`));
  }
  if (r.hits.length > MAX_HITS) lines.push(c.dim(`        … and ${r.hits.length - MAX_HITS} more place(s) (all in --format json)`));
  const group = (level: string): string[] => r.targets.filter((t) => t.level === level).map((t) => t.target);
  const parts: string[] = [];
  for (const level of ["blocker", "warning", "info", "ok"]) {
    const ts = group(level);
    if (ts.length > 0) parts.push(`${level === "ok" ? "fine" : level} on ${ts.join(", ")}`);
  }
  lines.push(`        ${parts.join("; ")}`);
  const advice = r.targets.find((t) => t.advice !== undefined)?.advice ?? r.hint;
  lines.push(`        ${c.cyan("hint:")} ${advice}${r.fix !== undefined ? c.dim(` (unifit fix can rewrite this: ${r.fix})`) : ""}`);
  return lines;
}

/** A chain cut to its ends when long: main -> … -> rdbSaveBackground -> redisFork. */
function shortChain(chain: readonly string[], verbose: boolean): string {
  return (verbose || chain.length <= 4 ? chain : [chain[0] as string, "…", ...chain.slice(-2)]).join(" -> ");
}

/**
 * Every call that leads to a syscall some target does not fully support, by function, each at its own line:
 * reachable calls first, then the calls nothing reaches, then those not built on Linux.
 */
function siteLines(c: ChalkInstance, f: FileReport, verbose: boolean): string[] {
  const sites = f.sites ?? [];
  if (sites.length === 0) return [];
  const lines = [`  ${c.bold("calls")}`];
  const groups: [string, SourceCallSite[]][] = [
    ["", sites.filter((s) => s.notBuilt === undefined && s.reachable)],
    ["not reached from main or a registered function", sites.filter((s) => s.notBuilt === undefined && !s.reachable)],
    ["not built on Linux", sites.filter((s) => s.notBuilt !== undefined)],
  ];
  for (const [title, list] of groups) {
    if (list.length === 0) continue;
    if (title !== "") lines.push(`  ${c.dim(title)}`);
    const byFn = new Map<string, SourceCallSite[]>();
    for (const s of list) {
      const k = s.function ?? "file scope";
      const l = byFn.get(k);
      if (l === undefined) byFn.set(k, [s]);
      else l.push(s);
    }
    for (const [fn, l] of byFn) {
      lines.push(`    ${fn}`);
      for (const s of l) {
        const worst = s.targets.some((t) => t.level === "blocker") ? "blocker" : s.targets.some((t) => t.level === "warning") ? "warning" : "info";
        const mark = worst === "blocker" ? c.red("✖") : worst === "warning" ? c.yellow("⚠") : c.blue("ℹ");
        const what =
          s.kind === "wrapper"
            ? `calls ${shortChain(s.through ?? [s.callee], verbose)}${s.at !== undefined ? ` at ${s.at}` : ""}`
            : `${s.callee}${s.macro !== undefined ? ` (through macro ${s.macro})` : ""} -> ${[...new Set(s.syscalls.map((x) => (x.mode !== undefined ? `${x.name} (${x.mode})` : x.name)))].join(", ")}`;
        const blocked = s.targets.filter((t) => t.level === "blocker").map((t) => t.target);
        const warned = s.targets.filter((t) => t.level === "warning").map((t) => t.target);
        const on = [blocked.length > 0 ? `blocker on ${blocked.join(", ")}` : "", warned.length > 0 ? `warning on ${warned.join(", ")}` : ""].filter((x) => x !== "").join("; ");
        lines.push(`      ${mark} ${f.path}:${s.line}:${s.column}  ${what}${on !== "" ? c.dim(`  [${on}]`) : ""}`);
        if (verbose && s.chain !== undefined) lines.push(c.dim(`          from ${shortChain(s.chain, true)}`));
        if (s.notBuilt !== undefined) lines.push(c.dim(`          ${s.notBuilt}`));
      }
    }
  }
  return lines;
}

function fileLines(c: ChalkInstance, f: FileReport, verbose: boolean): string[] {
  const lines = [c.bold(f.path), `  ${c.dim(describeFile(f))}`];
  for (const u of f.uncertainties) lines.push(`  ${c.magenta("?")} ${u.message}${u.functions ? ` (${u.functions.join(", ")})` : ""}`);
  const sl = f.binary?.sourceLines;
  if (sl !== undefined) {
    const how = sl.debugLine ? "" : " (it has no .debug_line)";
    lines.push(`  ${c.dim(`source lines: ${sl.placed} of ${plural(sl.sites, "code site")} placed in the sources scanned with it${how}`)}`);
    for (const w of sl.warnings ?? []) lines.push(`  ${c.magenta("?")} ${w}`);
  }
  const width = Math.max(...f.targets.map((t) => t.target.length), 6);
  const chainsOf: ChainsOf = (x) =>
    f.syscalls.find((s) => s.name === x.syscall)?.chains?.filter((ch) => x.mode === undefined || ch.mode === undefined || ch.mode === x.mode) ?? [];
  const libc = f.binary !== undefined && f.binary.libc !== "none" && f.binary.libc !== "go" ? f.binary.libc : undefined;
  for (const t of f.targets) lines.push(...targetLines(c, t, verbose, width, chainsOf, libc));
  lines.push(...siteLines(c, f, verbose));
  if (f.rules.length > 0) {
    lines.push(`  ${c.bold("patterns")}`);
    for (const r of f.rules) lines.push(...ruleLines(c, f, r));
  }
  return lines;
}

/**
 * After a scan of several files: per target, how many files got each verdict, and the syscalls that block the
 * most files (from the report's summary, so the same figures as the JSON report).
 */
function summaryLines(c: ChalkInstance, report: Report): string[] {
  const s = report.summary;
  const rows = s.verdicts;
  if (rows.length === 0) return [];
  const width = Math.max(6, ...rows.map((r) => r.target.length));
  const cols: Verdict[] = ["compatible", "warnings", "blocked", "unknown"];
  const lines = [
    c.bold(`Summary: ${plural(s.files, "file")} scanned, ${plural(s.errors, "error")}`),
    `  ${"target".padEnd(width)}  ${cols.map((v) => v.padStart(10)).join("  ")}`,
    ...rows.map((r) => `  ${r.target.padEnd(width)}  ${cols.map((v) => String(r.files[v]).padStart(10)).join("  ")}`),
  ];
  const blocked = rows.filter((r) => r.topBlockers.length > 0);
  if (blocked.length > 0) {
    lines.push(c.bold("Top blocking syscalls (files blocked by each):"));
    for (const r of blocked) {
      const items = r.topBlockers.map((b) => `${b.syscall}${b.mode !== undefined ? ` (${b.mode})` : ""} ${b.files}`);
      lines.push(`  ${r.target.padEnd(width)}  ${items.join(", ")}`);
    }
  }
  return [...lines, ""];
}

/** Whether a file has anything to say beyond its verdicts: a blocker, a warning, a pattern or an uncertainty. */
function hasFindings(f: FileReport): boolean {
  return f.uncertainties.length > 0 || f.rules.length > 0 || f.targets.some((t) => t.statement !== undefined || t.counts.blockers + t.counts.warnings > 0 || t.verdict === "unknown");
}

/** Width the first screen's lists are wrapped at. */
const WIDTH = 110;

/** Items joined by ", " and wrapped at WIDTH after a prefix; continuation lines indented as far as the prefix. */
function wrapList(prefix: string, items: readonly string[]): string[] {
  const lines: string[] = [];
  let line = prefix;
  for (const [i, item] of items.entries()) {
    const piece = item + (i < items.length - 1 ? "," : "");
    if (line.length + 1 + piece.length > WIDTH && line.trim() !== prefix.trim()) {
      lines.push(line);
      line = " ".repeat(prefix.length) + piece;
    } else line += (line === prefix ? "" : " ") + piece;
  }
  lines.push(line);
  return lines;
}

/** A hint's first sentence: the one-line fix. */
const firstSentence = (s: string): string => {
  const m = /^(.+?[.!?])(\s|$)/.exec(s);
  return m?.[1] ?? s;
};

/** A blocking syscall or pattern over all files, for the first screen. */
interface Blocking {
  name: string;
  files: number;
  program: boolean;
  hint?: string;
}

/** What the first screen needs of the files, tallied as they come: bounded by targets x blocking names. */
class ScreenTally {
  files = 0;
  /** Per target, the first file's statement (a target that cannot run the file at all). */
  readonly statements = new Map<string, string>();
  /** Per target, its blocking syscalls and patterns by name. */
  readonly blocking = new Map<string, Map<string, Blocking>>();

  add(f: FileReport): void {
    this.files++;
    const of = (target: string): Map<string, Blocking> => {
      let m = this.blocking.get(target);
      if (m === undefined) this.blocking.set(target, (m = new Map<string, Blocking>()));
      return m;
    };
    for (const t of f.targets) {
      if (t.statement !== undefined && !this.statements.has(t.target)) this.statements.set(t.target, t.statement);
      for (const x of t.findings) {
        if (x.severity !== "blocker") continue;
        const seen = of(t.target);
        const name = `${x.syscall}${x.mode !== undefined ? ` (${x.mode})` : ""}`;
        const e = seen.get(name) ?? { name, files: 0, program: false };
        e.files++;
        if (x.origin !== "library") e.program = true;
        if (e.hint === undefined && x.hint !== undefined) e.hint = x.hint;
        seen.set(name, e);
      }
    }
    for (const rule of f.rules) {
      for (const target of new Set(rule.targets.filter((t) => t.level === "blocker").map((t) => t.target))) {
        const seen = of(target);
        const name = `pattern ${rule.ruleId}`;
        const e = seen.get(name) ?? { name, files: 0, program: true };
        e.files++;
        if (e.hint === undefined) e.hint = rule.targets.find((t) => t.target === target)?.advice ?? rule.hint;
        seen.set(name, e);
      }
    }
  }
}

/**
 * The first screen: one line per target over all files (verdict, files blocked, counts), then for a blocked target
 * its top blocker with its one-line fix and every blocking syscall by name; the details per file follow.
 */
function firstScreen(c: ChalkInstance, report: Report, tally: ScreenTally): string[] {
  const rows = report.summary.verdicts;
  if (rows.length === 0 || tally.files === 0) return [];
  const width = Math.max(6, ...rows.map((r) => r.target.length));
  const many = report.summary.files > 1;
  const lines = [c.bold(`unifit: ${plural(report.summary.files, "file")} against ${plural(rows.length, "target")}`)];
  let starred = false;
  for (const r of rows) {
    const files = many ? `  ${r.files.blocked}/${report.summary.files} files blocked` : "";
    const statement = tally.statements.get(r.target);
    if (statement !== undefined) {
      lines.push(`  ${r.target.padEnd(width)}  ${verdictColour(c, r.verdict)(VERDICT_TEXT[r.verdict].padEnd(19))}  ${statement}`);
      continue;
    }
    lines.push(`  ${r.target.padEnd(width)}  ${verdictColour(c, r.verdict)(VERDICT_TEXT[r.verdict].padEnd(19))}  ${plural(r.blockers, "blocker")}, ${plural(r.warnings, "warning")}${files}`);
    if (r.blockers === 0) continue;
    // Blocking syscalls over all files: the program's own first, then by files blocked, then by name.
    const list = [...(tally.blocking.get(r.target)?.values() ?? [])].sort((a, b) => Number(b.program) - Number(a.program) || b.files - a.files || byName(a, b));
    const top = list.find((x) => x.hint !== undefined && x.program) ?? list.find((x) => x.hint !== undefined) ?? list[0];
    const pad = " ".repeat(width + 4);
    if (top !== undefined) lines.push(`${pad}${c.red("top:")} ${top.name}${top.hint !== undefined ? `: ${firstSentence(top.hint)}` : ""}`);
    const syscalls = list.filter((x) => !x.name.startsWith("pattern ")).map((x) => x.name + (x.program ? "" : "*"));
    if (syscalls.length > 0) lines.push(...wrapList(`${pad}blocked by: `, syscalls));
    if (syscalls.some((x) => x.endsWith("*"))) starred = true;
  }
  if (starred) lines.push(c.dim("  (* reached only from inside libraries)"));
  return [...lines, ""];
}

/** An image's story and verdicts: what runs, what it loads, one verdict per target (before its files). */
function imageLines(c: ChalkInstance, im: ImageReport): string[] {
  const what = [im.kind, im.kind === "rootfs" ? undefined : plural(im.layers, "layer"), im.platform].filter((x) => x !== undefined).join(", ");
  const out = [c.bold(`image ${im.path} (${what})`)];
  if (im.argv.length > 0) out.push(`  runs  ${im.argv.join(" ")}${im.workingDir !== undefined ? `  (in ${im.workingDir})` : ""}`);
  const width = Math.max(0, ...im.programs.map((p) => p.role.length));
  for (const p of im.programs) {
    const kind = p.kind === "elf" ? "ELF" : p.kind === "script" ? "script" : c.red("not in the image");
    out.push(`    ${p.role.padEnd(width)}  ${p.path} (${kind})${p.from !== undefined ? `  from ${p.from}` : ""}`);
  }
  if (im.loads.length > 0) out.push(`  loads ${im.loads.join(", ")}`);
  for (const p of im.plugins) out.push(`    plugin  ${p.path}  ${p.via === "dlopen" ? `dlopen("${p.name}")` : "in its plugin directory"} by ${p.program}`);
  out.push(`  ${plural(im.elfFiles, "ELF file")}, all scanned below`);
  const nameWidth = Math.max(6, ...im.verdicts.map((v) => v.target.length));
  for (const v of im.verdicts) {
    const counts = `${v.files.compatible} compatible, ${v.files.warnings} with warnings, ${v.files.blocked} blocked, ${v.files.unknown} unknown`;
    const by = v.decidedBy === "programs" ? "decided by the programs that run" : "over every file (nothing says what runs)";
    out.push(`  ${v.target.padEnd(nameWidth)}  ${verdictColour(c, v.verdict)(VERDICT_TEXT[v.verdict].padEnd(19))}  ${by}; files: ${counts}`);
  }
  return [...out, ""];
}

/**
 * Streamed: each file's section goes to a spool as it comes (the first screen, which comes first, needs every
 * file); a file with nothing to say is only counted, unless it is the only one.
 */
export const textStream: StreamFormatter = (write, options) => {
  const c = options.chalk;
  const verbose = options.verbose ?? false;
  const sections = (options.spool ?? memorySpool)();
  const screen = new ScreenTally();
  let quiet = 0;
  let suppressed = 0;
  /** The first file when it has nothing to say: shown only if no other file comes. */
  let alone: string[] | undefined;
  const put = (lines: readonly string[]): void => {
    for (const l of lines) sections.write(l + "\n");
  };
  return {
    file(f) {
      screen.add(f);
      suppressed += f.suppressions?.length ?? 0;
      if (alone !== undefined) {
        alone = undefined;
        quiet++;
      }
      if (verbose || hasFindings(f)) put([...fileLines(c, f, verbose), ""]);
      else if (screen.files === 1) alone = [...fileLines(c, f, verbose), ""];
      else quiet++;
    },
    end(report) {
      // An image's own story (what runs, what it loads, its verdicts) leads; then the first screen over every file.
      const out: string[] = [];
      for (const im of report.images ?? []) out.push(...imageLines(c, im));
      out.push(...firstScreen(c, report, screen));
      for (const l of out) write(l + "\n");
      if (alone !== undefined) put(alone);
      for (const chunk of sections.chunks()) write(chunk);
      const after: string[] = [];
      if (quiet > 0) after.push(c.dim(`${plural(quiet, "file")} with no finding not shown (--verbose shows them)`), "");
      for (const e of report.errors) after.push(`${c.red("error")} ${e.path}: ${e.message}`);
      if (report.errors.length > 0) after.push("");
      if (report.summary.files + report.summary.errors > 1) after.push(...summaryLines(c, report));
      const v = report.summary.verdicts.map((s) => `${s.target} ${verdictColour(c, s.verdict)(VERDICT_TEXT[s.verdict])}`);
      if (suppressed > 0) after.push(c.dim(`${plural(suppressed, "finding")} suppressed with a reason (listed in --format json and sarif)`));
      after.push(
        `${plural(report.summary.files, "file")} scanned` +
          (report.summary.errors > 0 ? `, ${c.red(plural(report.summary.errors, "error"))}` : "") +
          (v.length > 0 && report.summary.files > 0 ? `: ${v.join(", ")}` : ""),
      );
      write(after.join("\n") + "\n");
    },
  };
};

export const text = whole(textStream);
