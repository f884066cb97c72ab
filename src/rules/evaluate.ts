// @fileoverview The matcher vocabulary of docs/rules.md, implemented once: rules × source facts, and rules × binary
// facts → RuleHit[]. Knows nothing of targets; the verdict comes later from the rule's syscalls.

import type { AsmFact, CallFact, SourceFile, StringFact, SyscallUseFact } from "../source/types.js";
import { type FunctionCalls, groupCalls } from "./call-index.js";
import type { InputKind, Rule, RuleHit } from "./types.js";
import { hex } from "../util/hex.js";
import { compareOptional, compareStrings } from "../util/compare.js";

/** What the binary analysis knows for rules: imports, calls between named functions, reachable syscalls. */
export interface BinaryRuleFacts {
  imports: ReadonlySet<string>;
  /** Calls from reachable functions to named functions or imports that some rule names. */
  calls: readonly { caller: string; callee: string; addr: number; inLoop: boolean }[];
  syscalls: ReadonlySet<string>;
  /** Syscall instructions in the program's own code (dynamic programs only: in static ones libc is own code too). */
  asmSites: readonly { function: string; addr: number }[];
  /** Which of `callees` the function `from` calls within `depth` calls, not entering `stop` (see ChainFinder.leadsTo). */
  leadsTo?: (from: string, callees: ReadonlySet<string>, depth: number, stop?: ReadonlySet<string>) => string | undefined;
}

/** How many calls deep `child-calls` looks past the matched call (bounded: a worker's serving loop is near). */
const CHILD_DEPTH = 4;


function fill(template: string, vars: Readonly<Record<string, string | undefined>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => vars[k] ?? `{{${k}}}`);
}

function message(rule: Rule, vars: Readonly<Record<string, string | undefined>>): string {
  return fill(rule.messages.default ?? rule.title, vars);
}

function argOk(rule: Rule, call: CallFact): boolean {
  const { arg, notArg } = rule.match;
  if (arg !== undefined) {
    const a = call.args[arg.index];
    if (a === undefined || !arg.matches.test(a.text)) return false;
  }
  if (notArg !== undefined) {
    const a = call.args[notArg.index];
    if (a !== undefined && notArg.matches.test(a.text)) return false;
  }
  return true;
}

/** A rule's name lists as sets, built once per evaluation (FunctionCalls caches its selections per set). */
interface NameSets {
  calls: ReadonlySet<string>;
  then?: ReadonlySet<string>;
  also?: ReadonlySet<string>;
  child?: ReadonlySet<string>;
  notThen?: ReadonlySet<string>;
  /** `calls` and `not-then-calls` together: the calls among which "the next one" is taken. */
  again?: ReadonlySet<string>;
}

function nameSets(m: Rule["match"]): NameSets {
  const s: NameSets = { calls: new Set(m.calls ?? []) };
  if (m.thenCalls !== undefined) s.then = new Set(m.thenCalls);
  if (m.alsoCalls !== undefined) s.also = new Set(m.alsoCalls);
  if (m.childCalls !== undefined) s.child = new Set(m.childCalls);
  if (m.notThenCalls !== undefined) {
    s.notThen = new Set(m.notThenCalls);
    s.again = new Set([...(m.calls ?? []), ...m.notThenCalls]);
  }
  return s;
}

/**
 * Whether `then-calls`, `also-calls` and `not-then-calls` all hold at call `c` (position `p`) of function `fc`.
 * Returns the partner call's name for {{then}} ("" when the rule names no partner), or undefined when a key fails.
 * `cyclic`: in a binary the next call is taken in address order wrapping around (see CallSelection.afterCyclic).
 */
function partnerAt<T extends { callee: string }>(fc: FunctionCalls<T>, c: T, p: number, s: NameSets, cyclic: boolean): string | undefined {
  let then: T | undefined;
  if (s.then !== undefined) {
    then = fc.select(s.then).after(p);
    if (then === undefined) return undefined;
  }
  let also: T | undefined;
  if (s.also !== undefined) {
    also = fc.select(s.also).firstOther(c);
    if (also === undefined) return undefined;
  }
  if (s.notThen !== undefined && s.again !== undefined) {
    const sel = fc.select(s.again);
    const next = cyclic ? sel.afterCyclic(p) : sel.after(p);
    if (next !== undefined && s.notThen.has(next.callee)) return undefined;
  }
  return then?.callee ?? also?.callee ?? "";
}

/** How near a function's calls come to one of a rule's `child-calls`: `level` calls deep, and the first such name. */
interface Reach {
  level: number;
  name: string;
}

/**
 * For each function of the file, the first of `wanted` it reaches: level 0 when its own body calls one, level k
 * through k nested calls into functions of the file (k < CHILD_DEPTH); among the nearest, the first in call order.
 * One pass per level over every call: linear in the file, where a search from each matched call was quadratic.
 */
function reachOf(fns: ReadonlyMap<string, FunctionCalls<CallFact>>, wanted: ReadonlySet<string>): Map<string, Reach> {
  const reach = new Map<string, Reach>();
  for (const [f, fc] of fns) {
    const w = fc.select(wanted).calls[0];
    if (w !== undefined) reach.set(f, { level: 0, name: w.callee });
  }
  for (let level = 1; level < CHILD_DEPTH; level++) {
    const found: [string, Reach][] = [];
    for (const [f, fc] of fns) {
      if (reach.has(f)) continue;
      for (const c of fc.sorted) {
        const r = reach.get(c.callee);
        if (r !== undefined && r.level === level - 1) {
          found.push([f, { level, name: r.name }]);
          break;
        }
      }
    }
    if (found.length === 0) break;
    for (const [f, r] of found) reach.set(f, r);
  }
  return reach;
}

/**
 * For each index i of `fc.sorted`, the `child-calls` name that the calls from i on lead to: a call to one of
 * `wanted` itself first, else through the functions they call (up to CHILD_DEPTH calls deep), nearest first, ties
 * to the earliest call. One backward pass over the function.
 */
function childFrom(fc: FunctionCalls<CallFact>, wanted: ReadonlySet<string>, reach: ReadonlyMap<string, Reach>): (string | undefined)[] {
  const out = new Array<string | undefined>(fc.sorted.length + 1);
  let best: Reach | undefined;
  for (let i = fc.sorted.length - 1; i >= 0; i--) {
    const c = fc.sorted[i] as CallFact;
    const r = reach.get(c.callee);
    const here = wanted.has(c.callee) ? { level: 0, name: c.callee } : r !== undefined ? { level: r.level + 1, name: r.name } : undefined;
    if (here !== undefined && (best === undefined || here.level <= best.level)) best = here;
    out[i] = best?.name;
  }
  return out;
}

/**
 * Rules over one parsed C/C++ file. Hits are sorted by line, column, rule. Every key of a rule's `match` must hold
 * (docs/rules.md): the call keys at the `calls` call, the others (`syscalls`, `asm-syscall`, `string`) somewhere in
 * the file. `imports` cannot be checked in source (the loader makes a rule that runs here name another key).
 */
export function evaluateSource(rules: readonly Rule[], file: SourceFile): RuleHit[] {
  const kind: InputKind = file.language;
  const hits: RuleHit[] = [];
  const calls = file.facts.filter((f): f is CallFact => f.kind === "call");
  // Calls by callee name, so a rule looks only at the calls it names (most calls name nothing any rule wants).
  const byCallee = new Map<string, CallFact[]>();
  for (const c of calls) {
    let list = byCallee.get(c.callee);
    if (list === undefined) byCallee.set(c.callee, (list = []));
    list.push(c);
  }
  let byFunctionCache: Map<string, FunctionCalls<CallFact>> | undefined;
  const byFunction = (): Map<string, FunctionCalls<CallFact>> => (byFunctionCache ??= groupCalls(calls, (c) => c.function ?? "", (c) => c.order));
  for (const rule of rules) {
    if (!rule.appliesTo.has(kind)) continue;
    const m = rule.match;
    const base = (f: { location: RuleHit["location"]; function?: string; excerpt: string; conditions: string[] }, vars: Record<string, string | undefined>): RuleHit => {
      const h: RuleHit = { ruleId: rule.id, message: message(rule, { function: f.function ?? "file scope", ...vars }), excerpt: f.excerpt, conditions: f.conditions, confidence: rule.confidence };
      if (f.location !== undefined) h.location = f.location;
      if (f.function !== undefined) h.function = f.function;
      return h;
    };
    // The file-wide keys: each must match some fact of the file.
    const sysNames = m.syscalls !== undefined ? new Set(m.syscalls) : undefined;
    const re = m.string;
    const sys = sysNames === undefined ? undefined : file.facts.filter((f): f is SyscallUseFact => f.kind === "syscall-use" && sysNames.has(f.name));
    const asm = m.asmSyscall === true ? file.facts.filter((f): f is AsmFact => f.kind === "asm" && f.syscall) : undefined;
    const str = re === undefined ? undefined : file.facts.filter((f): f is StringFact => f.kind === "string" && re.test(f.value));
    if (sys?.length === 0 || asm?.length === 0 || str?.length === 0) continue;
    const string = str?.[0]?.value;
    if (m.calls !== undefined) {
      const s = nameSets(m);
      const candidates = m.calls.flatMap((n) => byCallee.get(n) ?? []).sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
      const childMemo = new Map<FunctionCalls<CallFact>, (string | undefined)[]>();
      let reach: Map<string, Reach> | undefined;
      for (const c of candidates) {
        // A method (obj.wait(), p->fork()) is not the libc function of the same name; std::system is.
        if (/\.|->/.test(c.calleeText) || (m.inLoop === true && !c.inLoop) || !argOk(rule, c)) continue;
        const fc = byFunction().get(c.function ?? "") as FunctionCalls<CallFact>;
        let partner = partnerAt(fc, c, c.order, s, false);
        if (partner === undefined) continue;
        if (s.child !== undefined) {
          let from = childMemo.get(fc);
          if (from === undefined) childMemo.set(fc, (from = childFrom(fc, s.child, (reach ??= reachOf(byFunction(), s.child)))));
          const child = from[fc.indexAfter(c.order)];
          if (child === undefined) continue;
          partner ||= child;
        }
        const vars: Record<string, string | undefined> = { callee: c.callee, then: partner || undefined, string };
        c.args.forEach((a, i) => (vars[`arg${i}`] = a.text));
        hits.push(base(c, vars));
      }
    } else if (sys !== undefined) {
      for (const f of sys) hits.push(base(f, { callee: f.name, string }));
    } else if (asm !== undefined) {
      for (const f of asm) hits.push(base(f, { string }));
    } else if (str !== undefined) {
      for (const f of str) hits.push(base(f, { string: f.value }));
    }
  }
  return hits.sort(
    (a, b) =>
      (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0) || compareStrings(a.ruleId, b.ruleId),
  );
}

/** Names a rule's call matchers mention: the binary analysis keeps only calls to these. */
export function interestingCallees(rules: readonly Rule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) for (const n of [...(r.match.calls ?? []), ...(r.match.thenCalls ?? []), ...(r.match.alsoCalls ?? []), ...(r.match.notThenCalls ?? [])]) out.add(n);
  return out;
}

/**
 * Rules over one binary's facts. One hit per (rule, calling function), sorted. Every key of a rule's `match` must
 * hold: the call keys in the calling function; `syscalls`, `asm-syscall` and `imports` in the program. `string`,
 * `arg` and `not-arg` cannot be checked in machine code (the loader makes a rule that runs here name another key,
 * and say with `elf-without-arg` that it runs without its argument).
 */
export function evaluateBinary(rules: readonly Rule[], facts: BinaryRuleFacts): RuleHit[] {
  const hits: RuleHit[] = [];
  const byCaller = [...groupCalls(facts.calls, (c) => c.caller, (c) => c.addr).entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const rule of rules) {
    if (!rule.appliesTo.has("elf")) continue;
    const m = rule.match;
    if ((m.arg !== undefined || m.notArg !== undefined) && !rule.elfWithoutArg) continue;
    const confidence = m.arg !== undefined || m.notArg !== undefined ? "low" : rule.confidence;
    const sys = m.syscalls?.filter((x) => facts.syscalls.has(x));
    const imports = m.imports?.filter((i) => facts.imports.has(i));
    const asm = m.asmSyscall === true ? facts.asmSites[0] : undefined;
    if (sys?.length === 0 || imports?.length === 0 || (m.asmSyscall === true && asm === undefined)) continue;
    if (m.calls !== undefined) {
      const s = nameSets(m);
      for (const [caller, fc] of byCaller) {
        let led: string | undefined | null = null;
        for (const c of fc.given) {
          // Compilers unroll short loops: a function that calls it from two or more places repeats it too.
          if (!s.calls.has(c.callee) || (m.inLoop === true && !c.inLoop && fc.count(c.callee) < 2)) continue;
          let partner = partnerAt(fc, c, c.addr, s, true);
          if (partner === undefined) continue;
          if (s.child !== undefined) {
            // The child's side cannot be told from the parent's in machine code: the caller and what it calls.
            if (led === null) led = facts.leadsTo?.(caller, s.child, CHILD_DEPTH, s.notThen);
            if (led === undefined) break;
            partner ||= led;
          }
          hits.push({ ruleId: rule.id, message: message(rule, { callee: c.callee, then: partner || undefined, function: caller }), function: caller, address: hex(c.addr), confidence });
          break;
        }
      }
    } else if (sys !== undefined) {
      hits.push({ ruleId: rule.id, message: message(rule, { callee: sys.join(", "), function: "the program" }), confidence });
    } else if (asm !== undefined) {
      hits.push({ ruleId: rule.id, message: message(rule, { function: asm.function }), function: asm.function, address: hex(asm.addr), confidence });
    } else if (imports !== undefined) {
      hits.push({ ruleId: rule.id, message: message(rule, { callee: imports.join(", ") }), confidence });
    }
  }
  return hits.sort((a, b) => compareStrings(a.ruleId, b.ruleId) || compareOptional(a.function, b.function));
}
