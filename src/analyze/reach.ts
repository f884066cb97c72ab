// @fileoverview Reachability over a call graph: which functions the roots reach, with some functions closed.

import type { Graph } from "./callgraph.js";

/** The functions reachable from the roots; `closed` functions are neither entered nor passed through. */
export function reach(graph: Graph, roots: ArrayLike<number>, closed?: Uint8Array): Uint8Array {
  const seen = new Uint8Array(graph.starts.length);
  const stack = new Int32Array(graph.starts.length);
  let top = 0;
  const { succOff, succ } = graph;
  for (let i = 0; i < roots.length; i++) {
    const r = roots[i] as number;
    if (!seen[r] && closed?.[r] !== 1) {
      seen[r] = 1;
      stack[top++] = r;
    }
  }
  while (top > 0) {
    const f = stack[--top] as number;
    for (let e = succOff[f] as number; e < (succOff[f + 1] as number); e++) {
      const s = succ[e] as number;
      if (!seen[s] && closed?.[s] !== 1) {
        seen[s] = 1;
        stack[top++] = s;
      }
    }
  }
  return seen;
}
