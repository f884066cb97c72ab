// @fileoverview Search over sorted numbers (function starts): shared by the decoder and the call graph.

/** Index of the last element <= x, or -1 when every element is greater. */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Index of x in sorted, or -1. */
export function indexOfSorted(sorted: ArrayLike<number>, x: number): number {
  const i = lowerBound(sorted, x);
  return i >= 0 && sorted[i] === x ? i : -1;
}

/**
 * lowerBound for queries that mostly come in ascending order (addresses met in a linear sweep): steps forward from
 * the last answer, and falls back to a binary search when the query goes back or jumps far ahead.
 */
export function sweepLowerBound(sorted: ArrayLike<number>): (x: number) => number {
  let i = -1;
  return (x: number): number => {
    const n = sorted.length;
    if (i >= 0 && (sorted[i] as number) <= x) {
      for (let steps = 0; i + 1 < n && (sorted[i + 1] as number) <= x; steps++) {
        if (steps === 16) return (i = lowerBound(sorted, x));
        i++;
      }
      return i;
    }
    return (i = lowerBound(sorted, x));
  };
}

/** Sorts a Float64Array ascending and returns the prefix of distinct values (a view, no copy). */
export function sortUnique(a: Float64Array): Float64Array {
  if (a.length < 2) return a;
  a.sort();
  let w = 1;
  for (let r = 1; r < a.length; r++) if (a[r] !== a[w - 1]) a[w++] = a[r] as number;
  return a.subarray(0, w);
}
