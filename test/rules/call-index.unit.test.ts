// @fileoverview The call index that makes rule matching linear, checked against the scans it replaces on random
// functions (seeded): the next selected call after a position, with and without wrapping, the first other, counts.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FunctionCalls } from "../../src/rules/call-index.js";

interface Call {
  callee: string;
  pos: number;
}

/** A small deterministic generator (mulberry32), so that a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ["fork", "execl", "setsid", "wait", "step"];

describe("FunctionCalls", () => {
  it("answers as a scan of the function's calls does", () => {
    const r = rng(16);
    for (let round = 0; round < 300; round++) {
      const n = Math.floor(r() * 12);
      // Positions may repeat (two bodies under one function name in source) and come in any order.
      const calls: Call[] = Array.from({ length: n }, () => ({ callee: NAMES[Math.floor(r() * NAMES.length)] as string, pos: Math.floor(r() * 10) }));
      const fc = new FunctionCalls(calls, (c) => c.pos);
      assert.deepEqual(fc.given, calls);
      const names = new Set(NAMES.filter(() => r() < 0.5));
      const sel = fc.select(names);
      assert.equal(fc.select(names), sel, "one selection per set");
      const byPos = [...calls].sort((a, b) => a.pos - b.pos);
      for (const c of [...calls, { callee: "fork", pos: -1 }, { callee: "fork", pos: 11 }]) {
        const after = byPos.find((d) => d.pos > c.pos && names.has(d.callee));
        assert.equal(sel.after(c.pos), after);
        const wrap = byPos.find((d) => d.pos !== c.pos && names.has(d.callee));
        assert.equal(sel.afterCyclic(c.pos), after ?? wrap);
        assert.equal(sel.firstOther(c), byPos.find((d) => d !== c && names.has(d.callee)));
        assert.equal(fc.indexAfter(c.pos), byPos.filter((d) => d.pos <= c.pos).length);
        assert.equal(fc.count(c.callee), calls.filter((d) => d.callee === c.callee).length);
      }
    }
  });
});
