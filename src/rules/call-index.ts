// @fileoverview One function's calls, indexed once by position and by callee, so that a rule asks "the next call
// to one of these after this call" in log time. Scanning a function's other calls for each call it makes is
// quadratic: 60,000 calls in one generated function took minutes.

import { lowerBound } from "../util/sorted.js";

/** The calls of one function that name one of a set of callees, in position order. */
export class CallSelection<T> {
  constructor(
    readonly calls: readonly T[],
    private readonly positions: Float64Array,
  ) {
    // Kept for the process for the reason given at FunctionCalls.kept.
    if (CallSelection.kept === undefined) {
      CallSelection.kept = null;
      CallSelection.kept = new CallSelection<unknown>([], new Float64Array(0));
    }
  }

  private static kept: CallSelection<unknown> | null | undefined;

  /** The first selected call at a position after `p` (strictly). */
  after(p: number): T | undefined {
    return this.calls[lowerBound(this.positions, p) + 1];
  }

  /**
   * The first selected call after `p`, or, when there is none, the first one at a position other than `p`: the order
   * wraps around (in machine code compilers rotate loops and move a branch before the call it follows in source).
   */
  afterCyclic(p: number): T | undefined {
    return this.after(p) ?? (this.positions[0] !== p ? this.calls[0] : undefined);
  }

  /** The first selected call other than `c`. */
  firstOther(c: T): T | undefined {
    const [a, b] = this.calls;
    return a === c ? b : a;
  }
}

/** The calls one function makes. `pos` gives each call's position: its order in source, its address in a binary. */
export class FunctionCalls<T extends { callee: string }> {
  /** By position; calls at the same position keep their order. */
  readonly sorted: readonly T[];
  /** As given. */
  readonly given: readonly T[];
  private readonly positions: Float64Array;
  private readonly selections = new Map<ReadonlySet<string>, CallSelection<T>>();
  private counts: Map<string, number> | undefined;

  constructor(
    calls: readonly T[],
    private readonly pos: (c: T) => number,
  ) {
    this.given = calls;
    this.sorted = [...calls].sort((a, b) => pos(a) - pos(b));
    this.positions = Float64Array.from(this.sorted, pos);
    if (FunctionCalls.kept === undefined) {
      FunctionCalls.kept = null; // the kept one's own construction stops here
      FunctionCalls.kept = new FunctionCalls<{ callee: string }>([], pos as (c: { callee: string }) => number);
    }
  }

  /**
   * An empty index kept for the process, so that the shape of these objects outlives each file's: V8 drops the
   * optimized code that knows a shape when its last object dies (see keptShapes in source/extract.ts), and
   * evaluateSource was recompiled after every full collection (every pass of the bench over redis).
   */
  private static kept: FunctionCalls<{ callee: string }> | null | undefined;

  /** The calls to one of `names`, computed once per set object (callers build their sets once per evaluation). */
  select(names: ReadonlySet<string>): CallSelection<T> {
    let s = this.selections.get(names);
    if (s === undefined) {
      const calls = this.sorted.filter((c) => names.has(c.callee));
      s = new CallSelection(calls, Float64Array.from(calls, this.pos));
      this.selections.set(names, s);
    }
    return s;
  }

  /** Index in `sorted` of the first call at a position after `p` (strictly); `sorted.length` when there is none. */
  indexAfter(p: number): number {
    return lowerBound(this.positions, p) + 1;
  }

  /** How many calls to `callee` the function makes. */
  count(callee: string): number {
    if (this.counts === undefined) {
      this.counts = new Map();
      for (const c of this.sorted) this.counts.set(c.callee, (this.counts.get(c.callee) ?? 0) + 1);
    }
    return this.counts.get(callee) ?? 0;
  }
}

/** Groups calls by a key (the enclosing or calling function), each group indexed as FunctionCalls. */
export function groupCalls<T extends { callee: string }>(calls: readonly T[], key: (c: T) => string, pos: (c: T) => number): Map<string, FunctionCalls<T>> {
  const lists = new Map<string, T[]>();
  for (const c of calls) {
    const k = key(c);
    let list = lists.get(k);
    if (list === undefined) lists.set(k, (list = []));
    list.push(c);
  }
  const out = new Map<string, FunctionCalls<T>>();
  for (const [k, list] of lists) out.set(k, new FunctionCalls(list, pos));
  return out;
}
