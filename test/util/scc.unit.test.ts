// @fileoverview Tarjan's components against a brute-force oracle (mutual reachability) on fixed pseudo-random graphs,
// in reverse topological order, with edges left out by `follow`, and on a chain deeper than JavaScript's stack.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Tarjan } from "../../src/util/scc.js";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

function reachable(adj: number[][], from: number, follow: (w: number) => boolean): Set<number> {
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length > 0) {
    for (const w of adj[todo.pop() as number] as number[]) {
      if (follow(w) && !seen.has(w)) {
        seen.add(w);
        todo.push(w);
      }
    }
  }
  return seen;
}

function components(adj: number[][], follow?: (w: number) => boolean): number[][] {
  const out: number[][] = [];
  const t = new Tarjan((v) => adj[v] as number[], (m) => out.push(m), follow);
  for (let v = 0; v < adj.length; v++) t.visit(v);
  return out;
}

describe("Tarjan", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`finds the mutual-reachability classes, each after what it reaches (seed ${seed})`, () => {
      const rnd = lcg(seed);
      const n = 60;
      const adj = Array.from({ length: n }, () => Array.from({ length: Math.floor(rnd() * 4) }, () => Math.floor(rnd() * n)));
      const skip = new Set([7, 13]);
      for (const follow of [undefined, (w: number) => !skip.has(w)]) {
        const comps = components(adj, follow);
        const reach = adj.map((_, v) => reachable(adj, v, follow ?? (() => true)));
        assert.deepEqual(comps.flat().sort((a, b) => a - b), [...Array(n).keys()]);
        const compOf = new Map<number, number>();
        comps.forEach((c, i) => c.forEach((v) => compOf.set(v, i)));
        for (let a = 0; a < n; a++) {
          for (let b = 0; b < n; b++) {
            const same = (reach[a] as Set<number>).has(b) && (reach[b] as Set<number>).has(a);
            assert.equal(compOf.get(a) === compOf.get(b), same, `${a} ~ ${b}`);
            // Reverse topological order: what a reaches (in another component) was emitted before a's component.
            if ((reach[a] as Set<number>).has(b) && !same) assert.ok((compOf.get(b) as number) < (compOf.get(a) as number));
          }
        }
      }
    });
  }
  it("pops members with the component's root last", () => {
    assert.deepEqual(components([[1], [2], [0]]), [[2, 1, 0]]);
  });
  it("walks a chain of 200000 nodes without overflowing the stack", () => {
    const n = 200_000;
    const comps = components(Array.from({ length: n }, (_, v) => (v + 1 < n ? [v + 1] : [0])));
    assert.equal(comps.length, 1);
    assert.equal(comps[0]?.length, n);
  });
  it("makes nodes on demand: edges is asked once per node reached, never for an unreached one", () => {
    const asked: number[] = [];
    const t = new Tarjan((v) => (asked.push(v), v < 3 ? [v + 1] : []), () => {});
    t.visit(0);
    assert.deepEqual(asked, [0, 1, 2, 3]);
    assert.equal(t.visited(4), false);
  });
});
