// @fileoverview The matcher vocabulary of docs/rules.md, implemented once: rules × source facts, and rules × binary
// facts → RuleHit[]. Knows nothing of targets; the verdict comes later from the rule's syscalls.

import type { CallFact, SourceFile } from "../source/types.js";
import type { InputKind, Rule, RuleHit } from "./types.js";
import { hex } from "../util/hex.js";
import { byKey, compareOptional, compareStrings } from "../util/compare.js";

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

/** Rules over one parsed C/C++ file. Hits are sorted by line, column, rule. */
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
  let byFunctionCache: Map<string, CallFact[]> | undefined;
  const byFunction = (): Map<string, CallFact[]> => {
    if (byFunctionCache === undefined) {
      byFunctionCache = new Map();
      for (const c of calls) {
        const key = c.function ?? "";
        let list = byFunctionCache.get(key);
        if (list === undefined) byFunctionCache.set(key, (list = []));
        list.push(c);
      }
    }
    return byFunctionCache;
  };
  for (const rule of rules) {
    if (!rule.appliesTo.has(kind)) continue;
    const m = rule.match;
    const base = (f: { location: RuleHit["location"]; function?: string; excerpt: string; conditions: string[] }, vars: Record<string, string | undefined>): RuleHit => {
      const h: RuleHit = { ruleId: rule.id, message: message(rule, { function: f.function ?? "file scope", ...vars }), excerpt: f.excerpt, conditions: f.conditions, confidence: rule.confidence };
      if (f.location !== undefined) h.location = f.location;
      if (f.function !== undefined) h.function = f.function;
      return h;
    };
    if (m.calls !== undefined) {
      const candidates = m.calls.flatMap((n) => byCallee.get(n) ?? []).sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
      for (const c of candidates) {
        // A method (obj.wait(), p->fork()) is not the libc function of the same name; std::system is.
        if (/\.|->/.test(c.calleeText) || (m.inLoop === true && !c.inLoop) || !argOk(rule, c)) continue;
        const peers = byFunction().get(c.function ?? "") ?? [];
        let then: CallFact | undefined;
        if (m.thenCalls !== undefined) {
          const t = new Set(m.thenCalls);
          then = peers.find((d) => d.order > c.order && t.has(d.callee));
          if (then === undefined) continue;
        }
        if (m.notThenCalls !== undefined && followedBy(peers, c.order, (d) => d.order, new Set(m.calls), new Set(m.notThenCalls))) continue;
        let child: string | undefined;
        if (m.childCalls !== undefined) {
          child = childCall(byFunction(), peers.filter((d) => d.order > c.order), new Set(m.childCalls));
          if (child === undefined) continue;
        }
        let also: CallFact | undefined;
        if (m.alsoCalls !== undefined) {
          const a = new Set(m.alsoCalls);
          also = peers.find((d) => d !== c && a.has(d.callee));
          if (also === undefined) continue;
        }
        const vars: Record<string, string | undefined> = { callee: c.callee, then: then?.callee ?? also?.callee ?? child };
        c.args.forEach((a, i) => (vars[`arg${i}`] = a.text));
        hits.push(base(c, vars));
      }
    } else if (m.syscalls !== undefined) {
      const names = new Set(m.syscalls);
      for (const f of file.facts) if (f.kind === "syscall-use" && names.has(f.name)) hits.push(base(f, { callee: f.name }));
    } else if (m.asmSyscall === true) {
      for (const f of file.facts) if (f.kind === "asm" && f.syscall) hits.push(base(f, {}));
    } else if (m.string !== undefined) {
      const re = m.string;
      for (const f of file.facts) if (f.kind === "string" && re.test(f.value)) hits.push(base(f, { string: f.value }));
    }
  }
  return hits.sort(
    (a, b) =>
      (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0) || compareStrings(a.ruleId, b.ruleId),
  );
}

/**
 * Whether a call to one of `no` follows position `at` before the next call to one of `again` (source order, or
 * address order in a binary): the exec that belongs to this fork, not to a later one in the same function. In a
 * binary the order wraps around (`cyclic`): compilers rotate loops and move the child's branch before the fork.
 */
function followedBy<T extends { callee: string }>(
  calls: readonly T[],
  at: number,
  pos: (c: T) => number,
  again: ReadonlySet<string>,
  no: ReadonlySet<string>,
  cyclic = false,
): boolean {
  let next: T | undefined;
  let first: T | undefined;
  for (const d of calls) {
    const p = pos(d);
    if (p === at || !(no.has(d.callee) || again.has(d.callee))) continue;
    if (p > at && (next === undefined || p < pos(next))) next = d;
    if (first === undefined || p < pos(first)) first = d;
  }
  const best = next ?? (cyclic ? first : undefined);
  return best !== undefined && no.has(best.callee);
}

/**
 * The first of `wanted` that the calls `after` make, directly or through functions of the file they call (up to
 * CHILD_DEPTH calls deep), searching breadth-first in call order.
 */
function childCall(byFunction: ReadonlyMap<string, readonly CallFact[]>, after: readonly CallFact[], wanted: ReadonlySet<string>): string | undefined {
  const seen = new Set<string>();
  let level: readonly CallFact[] = after;
  for (let depth = 0; depth <= CHILD_DEPTH && level.length > 0; depth++) {
    const next: CallFact[] = [];
    for (const d of level) {
      if (wanted.has(d.callee)) return d.callee;
      if (seen.has(d.callee)) continue;
      seen.add(d.callee);
      const body = byFunction.get(d.callee);
      if (body !== undefined) next.push(...body);
    }
    level = next;
  }
  return undefined;
}

/** Names a rule's call matchers mention: the binary analysis keeps only calls to these. */
export function interestingCallees(rules: readonly Rule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) for (const n of [...(r.match.calls ?? []), ...(r.match.thenCalls ?? []), ...(r.match.alsoCalls ?? []), ...(r.match.notThenCalls ?? [])]) out.add(n);
  return out;
}

/** Rules over one binary's facts. One hit per (rule, calling function), sorted. */
export function evaluateBinary(rules: readonly Rule[], facts: BinaryRuleFacts): RuleHit[] {
  const hits: RuleHit[] = [];
  const byCaller = new Map<string, { callee: string; addr: number; inLoop: boolean }[]>();
  for (const c of facts.calls) {
    let list = byCaller.get(c.caller);
    if (list === undefined) byCaller.set(c.caller, (list = []));
    list.push(c);
  }
  for (const rule of rules) {
    if (!rule.appliesTo.has("elf")) continue;
    const m = rule.match;
    if ((m.arg !== undefined || m.notArg !== undefined) && !rule.elfWithoutArg) continue;
    if (m.string !== undefined) continue;
    const confidence = m.arg !== undefined || m.notArg !== undefined ? "low" : rule.confidence;
    if (m.imports !== undefined && !m.imports.some((i) => facts.imports.has(i))) continue;
    if (m.calls !== undefined) {
      const names = new Set(m.calls);
      const done = new Set<string>();
      for (const [caller, list] of [...byCaller.entries()].sort(byKey)) {
        for (const c of list) {
          // Compilers unroll short loops: a function that calls it from two or more places repeats it too.
          const repeated = c.inLoop || list.filter((d) => d.callee === c.callee).length >= 2;
          if (!names.has(c.callee) || (m.inLoop === true && !repeated) || done.has(caller)) continue;
          let partner: string | undefined;
          const others = m.thenCalls ?? m.alsoCalls;
          if (others !== undefined) {
            const o = new Set(others);
            partner = list.find((d) => d !== c && o.has(d.callee))?.callee;
            if (partner === undefined) continue;
          }
          if (m.notThenCalls !== undefined && followedBy(list, c.addr, (d) => d.addr, names, new Set(m.notThenCalls), true)) continue;
          if (m.childCalls !== undefined) {
            // The child's side cannot be told from the parent's in machine code: the caller and what it calls.
            partner = facts.leadsTo?.(caller, new Set(m.childCalls), CHILD_DEPTH, m.notThenCalls !== undefined ? new Set(m.notThenCalls) : undefined);
            if (partner === undefined) continue;
          }
          done.add(caller);
          hits.push({
            ruleId: rule.id,
            message: message(rule, { callee: c.callee, then: partner, function: caller }),
            function: caller,
            address: hex(c.addr),
            confidence,
          });
        }
      }
    } else if (m.syscalls !== undefined) {
      const found = m.syscalls.filter((s) => facts.syscalls.has(s));
      if (found.length > 0) hits.push({ ruleId: rule.id, message: message(rule, { callee: found.join(", "), function: "the program" }), confidence });
    } else if (m.asmSyscall === true) {
      const first = facts.asmSites[0];
      if (first !== undefined) {
        hits.push({ ruleId: rule.id, message: message(rule, { function: first.function }), function: first.function, address: hex(first.addr), confidence });
      }
    } else if (m.imports !== undefined) {
      hits.push({ ruleId: rule.id, message: message(rule, { callee: m.imports.filter((i) => facts.imports.has(i)).join(", ") }), confidence });
    }
  }
  return hits.sort((a, b) => compareStrings(a.ruleId, b.ruleId) || compareOptional(a.function, b.function));
}
