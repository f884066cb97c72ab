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

/**
 * The distinct values of `a` ascending, in a new array, when they are integers in [lo, hi) (addresses in code):
 * one bit per address and a sweep over the bits, where the range is small next to the list (a call graph's
 * millions of call targets in tens of megabytes of code); sortUnique otherwise, or when a value falls outside.
 */
export function uniqueInRange(a: Float64Array, lo: number, hi: number): Float64Array {
  const span = hi - lo;
  if (!(span > 0 && span <= 0x80000000 && span / 32 <= 8 * a.length)) return sortUnique(a).slice();
  const words = new Uint32Array(Math.ceil(span / 32));
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const off = (a[i] as number) - lo;
    if (!(off >= 0 && off < span) || off !== Math.floor(off)) return sortUnique(a).slice();
    const w = off >>> 5;
    const bit = 1 << (off & 31);
    const x = words[w] as number;
    if ((x & bit) === 0) {
      words[w] = x | bit;
      count++;
    }
  }
  const out = new Float64Array(count);
  let k = 0;
  for (let w = 0; w < words.length; w++) {
    let x = words[w] as number;
    while (x !== 0) {
      const low = x & -x;
      out[k++] = lo + w * 32 + (31 - Math.clz32(low));
      x ^= low;
    }
  }
  return out;
}

/** Width, in addresses, of a SortedIndex bucket. */
const BUCKET = 64;

/**
 * Constant-time lookups in a sorted list of distinct numbers (function starts) for queries in [lo, hi): the index of
 * the first element of each BUCKET-wide slice of the range, then a step or two. Queries outside the range, or a range
 * too sparse for the list (more buckets than 16 per element), use the binary search.
 */
export class SortedIndex {
  private readonly first: Int32Array | undefined;

  constructor(
    readonly sorted: Float64Array,
    private readonly lo: number,
    private readonly hi: number,
  ) {
    const buckets = Math.ceil((hi - lo) / BUCKET);
    if (!(buckets > 0 && buckets <= 16 * sorted.length + 1024)) return;
    const first = new Int32Array(buckets + 1);
    let j = 0;
    for (let b = 0; b <= buckets; b++) {
      const start = lo + b * BUCKET;
      while (j < sorted.length && (sorted[j] as number) < start) j++;
      first[b] = j;
    }
    this.first = first;
  }

  /** Index of the last element <= x, or -1 (as lowerBound). */
  lowerBound(x: number): number {
    const first = this.first;
    if (first === undefined || !(x >= this.lo && x < this.hi)) return lowerBound(this.sorted, x);
    const b = Math.floor((x - this.lo) / BUCKET);
    const end = first[b + 1] as number;
    let i = first[b] as number;
    while (i < end && (this.sorted[i] as number) <= x) i++;
    return i - 1;
  }

  /** Index of x, or -1 (as indexOfSorted). */
  indexOf(x: number): number {
    const i = this.lowerBound(x);
    return i >= 0 && this.sorted[i] === x ? i : -1;
  }
}
