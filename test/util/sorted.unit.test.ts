// @fileoverview uniqueInRange (the function starts of a call graph) agrees with sorting and de-duplicating, whichever
// way it takes: bits over a small range, the sort over a large one or when a value falls outside the range.
// SortedIndex answers as the binary searches do, inside its range, outside it, and over a range too sparse to index.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SortedIndex, indexOfSorted, lowerBound, sortUnique, uniqueInRange } from "../../src/util/sorted.js";

/** A fixed pseudo-random sequence (the same cases on every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

describe("uniqueInRange", () => {
  it("gives the sorted distinct values, like sortUnique", () => {
    const rnd = lcg(7);
    for (let t = 0; t < 3000; t++) {
      const n = Math.floor(rnd() * 400);
      const lo = 0x400000 + Math.floor(rnd() * 1e9);
      const span = 1 + Math.floor(rnd() * (t % 3 === 0 ? 64 : t % 3 === 1 ? 5000 : 10_000_000));
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = lo + Math.floor(rnd() * span);
      if (t % 17 === 0 && n > 0) a[n - 1] = lo + span; // outside: the sort takes over
      const expected = [...sortUnique(a.slice())];
      assert.deepEqual([...uniqueInRange(a.slice(), lo, lo + span)], expected, `case ${t}: ${n} values over ${span}`);
    }
  });

  it("handles the edges of the range and an empty list", () => {
    assert.deepEqual([...uniqueInRange(Float64Array.from([0x1000, 0x101f, 0x1020, 0x1000, 0x1fff]), 0x1000, 0x2000)], [0x1000, 0x101f, 0x1020, 0x1fff]);
    assert.deepEqual([...uniqueInRange(new Float64Array(0), 0x1000, 0x2000)], []);
    assert.deepEqual([...uniqueInRange(Float64Array.from([5.5, 3]), 0, 100)], [3, 5.5]);
  });
});

describe("SortedIndex", () => {
  it("answers as lowerBound and indexOfSorted", () => {
    const rnd = lcg(11);
    for (let t = 0; t < 400; t++) {
      const lo = 0x1000 + Math.floor(rnd() * 1e6);
      const span = 1 + Math.floor(rnd() * (t % 2 === 0 ? 4000 : 2_000_000)); // the second: often too sparse to index
      const n = Math.floor(rnd() * 200);
      const raw = new Float64Array(n);
      for (let i = 0; i < n; i++) raw[i] = lo + Math.floor(rnd() * span);
      const sorted = sortUnique(raw).slice();
      const index = new SortedIndex(sorted, lo, lo + span);
      for (let q = 0; q < 200; q++) {
        // Queries inside the range, on its elements, and a little outside on both sides.
        const x = q % 4 === 0 && sorted.length > 0 ? (sorted[Math.floor(rnd() * sorted.length)] as number) : lo - 100 + Math.floor(rnd() * (span + 200));
        assert.equal(index.lowerBound(x), lowerBound(sorted, x), `case ${t}, x=${x}`);
        assert.equal(index.indexOf(x), indexOfSorted(sorted, x), `case ${t}, x=${x}`);
      }
    }
  });
});
