// @fileoverview Library functions that write through pointer parameters, as facts read from their source: which
// parameters they write through, how many bytes, and what is known of the value written. The value analysis of
// src/analyze/arg-values.ts uses them where a program passes the address of one of its globals to such a function
// and nothing else: the global's other writers being known, so are its bits. A function not listed here may write
// anything through any pointer it is given.

import type { Bits } from "./arg-values.js";

export interface PointerWrite {
  /** 0-based index of the pointer parameter. */
  param: number;
  /** Bytes written at the pointer (the pointee's size). */
  size: number;
  /** What is known of every value written there; absent: nothing. */
  bits?: Bits;
}

export interface PointerWriter {
  /** How many parameters the function takes: registers beyond them are not read. */
  params: number;
  /** Every write through a parameter; the function keeps no pointer it is given and writes through no other. */
  writes: readonly PointerWrite[];
  /** Upstream file:line the facts are read from. */
  source: string;
}

/**
 * glibc 2.36 (bminor/glibc, tag glibc-2.36, commit c804cd1c00adde061ca51711f63068c103e94eef),
 * sysdeps/unix/sysv/linux/malloc-hugepages.c:133-143,190-191: `__malloc_hugepage_config (size_t requested, size_t
 * *pagesize, int *flags)` stores to `*pagesize` and `*flags` only, and `*flags` is 0 or `hugepage_flags()` (:127-130),
 * `MAP_HUGETLB | (__builtin_ctzll (pagesize) << MAP_HUGE_SHIFT)`: MAP_HUGETLB is 0x40000
 * (sysdeps/unix/sysv/linux/bits/mman-map-flags-generic.h:37) and MAP_HUGE_SHIFT 26 (bits/mman-linux.h:61), so every
 * bit but 0x40000 and bits 26-31 is 0. malloc/malloc.c:5439-5440 passes it `&mp_.hp_pagesize, &mp_.hp_flags`, the
 * flags malloc later ors MAP_PRIVATE|MAP_ANONYMOUS into (malloc.c:2583, 2743; arena.c's alloc_new_heap).
 */
export const POINTER_WRITERS: ReadonlyMap<string, PointerWriter> = new Map([
  ["__malloc_hugepage_config", {
    params: 3,
    writes: [{ param: 1, size: 8 }, { param: 2, size: 4, bits: { known: 0x03fbffff, bits: 0 } }],
    source: "glibc-2.36 sysdeps/unix/sysv/linux/malloc-hugepages.c:127-143,190-191",
  }],
]);
