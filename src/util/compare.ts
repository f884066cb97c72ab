// @fileoverview Comparators for Array.prototype.sort, one definition each. Strings compare by UTF-16 code units, never
// by locale (localeCompare depends on the machine's ICU data, and the report must be the same bytes everywhere).

/** Strings by code unit: -1, 0 or 1. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Numbers ascending (sort's default compares numbers as text: 10 before 9). */
export function compareNumbers(a: number, b: number): number {
  return a - b;
}

/** Records by their `path`. */
export function byPath(a: { readonly path: string }, b: { readonly path: string }): number {
  return compareStrings(a.path, b.path);
}

/** Records by their `name`. */
export function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return compareStrings(a.name, b.name);
}

/** Map entries (or any pairs) by their key. */
export function byKey<K extends string | number>(a: readonly [K, unknown], b: readonly [K, unknown]): number {
  return typeof a[0] === "number" ? a[0] - (b[0] as number) : compareStrings(a[0], b[0] as string);
}

/** Optional strings, absent as the empty string (sorts first). */
export function compareOptional(a: string | undefined, b: string | undefined): number {
  return compareStrings(a ?? "", b ?? "");
}
