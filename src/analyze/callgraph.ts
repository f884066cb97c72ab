// @fileoverview The call graph as a named result: function starts, compressed successor rows, and per-function
// imports, indirect transfers and syscall sites. Built by the binary analysis (src/analyze/code.ts) over addresses and
// by the source analysis over a tree's functions; consumed by reachability (reach.ts) and closures (closure.ts).

import type { SortedIndex } from "../util/sorted.js";

/**
 * The call graph over function starts, in compressed rows (successors of f: succ[succOff[f] .. succOff[f + 1])): a
 * program such as node has 200,000 functions and millions of edges, so no per-function objects.
 */
export interface Graph {
  starts: Float64Array;
  /** Lookups in starts. */
  index: SortedIndex;
  /** Symbol name of function i, or sub_<addr> for a recovered one. */
  name: (i: number) => string;
  succOff: Int32Array;
  succ: Int32Array;
  /** Per function: imported symbols it reaches through slots, unordered, repeats possible (shared empty list for most). */
  imports: string[][];
  /** Per function: indirect transfers not through a slot. */
  indirect: Int32Array;
  /** Per function: direct calls and jumps to addresses outside the code (damage, or data decoded as code). */
  outside: Int32Array;
  /** Per function: site indices (shared empty list for most). */
  sites: number[][];
}

/** Appends to the per-function list i, creating it on first use (most functions have none: they share EMPTY). */
export const EMPTY: never[] = [];
export function pushTo<T>(lists: T[][], i: number, v: T): void {
  const l = lists[i] as T[];
  if (l === (EMPTY as T[])) lists[i] = [v];
  else l.push(v);
}

/** Edge pairs → compressed rows, each row sorted and without duplicates. */
export function rows(n: number, src: Int32Array, dst: Int32Array): { succOff: Int32Array; succ: Int32Array } {
  const count = new Int32Array(n + 1);
  for (let i = 0; i < src.length; i++) count[(src[i] as number) + 1] = (count[(src[i] as number) + 1] as number) + 1;
  for (let f = 0; f < n; f++) count[f + 1] = (count[f + 1] as number) + (count[f] as number);
  const fill = count.slice(0, n);
  const flat = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const f = src[i] as number;
    flat[fill[f] as number] = dst[i] as number;
    fill[f] = (fill[f] as number) + 1;
  }
  // Sort and de-duplicate each row in place, compacting as we go.
  const succOff = new Int32Array(n + 1);
  let w = 0;
  for (let f = 0; f < n; f++) {
    const lo = count[f] as number;
    const hi = count[f + 1] as number;
    succOff[f] = w;
    if (hi - lo > 1) flat.subarray(lo, hi).sort();
    for (let r = lo; r < hi; r++) {
      const v = flat[r] as number;
      if (w === succOff[f] || flat[w - 1] !== v) flat[w++] = v;
    }
  }
  succOff[n] = w;
  return { succOff, succ: flat.slice(0, w) };
}
