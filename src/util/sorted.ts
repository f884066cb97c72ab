// @fileoverview Binary search over sorted numbers (function starts): shared by the decoder and the call graph.

/** Index of the last element <= x, or -1 when every element is greater. */
export function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
