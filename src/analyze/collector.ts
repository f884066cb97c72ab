// @fileoverview Accumulates reached syscalls from any source (imports, start-up, code sites, libraries) into the
// sorted, de-duplicated ReachedSyscall list of the report.

import type { SyscallRef, SyscallTable } from "../db/types.js";
import type { Confidence, ReachedSyscall, Via } from "../types.js";
import { compareStrings } from "../util/compare.js";

const rank: Record<Confidence, number> = { high: 2, medium: 1, low: 0 };

const cmp = compareStrings;

/**
 * The order of ways in: field by field, in a fixed order (kind, function, version, library, address, flags, mode,
 * then the qualifiers, absent before present). Equal under it means the same way in.
 */
function compareVia(a: Via, b: Via): number {
  return (
    cmp(a.kind, b.kind) ||
    cmp(a.function ?? "", b.function ?? "") ||
    cmp(a.version ?? "", b.version ?? "") ||
    cmp(a.library ?? "", b.library ?? "") ||
    cmp(a.address ?? "", b.address ?? "") ||
    cmp(a.flags ?? "", b.flags ?? "") ||
    cmp(a.mode ?? "", b.mode ?? "") ||
    flag(a.conditional) - flag(b.conditional) ||
    flag(a.tolerated) - flag(b.tolerated) ||
    flag(a.errorPath) - flag(b.errorPath) ||
    flag(a.rarePath) - flag(b.rarePath) ||
    flag(a.viaPointer) - flag(b.viaPointer)
  );
}
const flag = (x: boolean | undefined): number => (x === true ? 1 : 0);

export class SyscallCollector {
  private readonly reached = new Map<string, { modes: Set<string>; via: Via[]; confidence: Confidence }>();

  /**
   * An empty collector kept for the process, so that the shape of collectors outlives each file's: V8 drops the
   * optimized code that knows a shape when its last object dies (see keptShapes in source/extract.ts), and scanSource,
   * add and result were recompiled after every full collection (every pass of the bench over redis).
   */
  private static kept: SyscallCollector | null | undefined;

  constructor(private readonly table: SyscallTable) {
    if (SyscallCollector.kept === undefined) {
      SyscallCollector.kept = null; // the kept one's own construction stops here
      SyscallCollector.kept = new SyscallCollector(table);
    }
  }

  /** Calls the kernel's vDSO answers in user space on this architecture (libc tries it first). */
  private static readonly VDSO: Readonly<Record<string, ReadonlySet<string>>> = {
    x86_64: new Set(["clock_gettime", "gettimeofday", "time", "getcpu"]),
    aarch64: new Set(["clock_gettime", "gettimeofday", "clock_getres"]),
  };

  add(ref: SyscallRef, via: Via, confidence: Confidence): void {
    let r = this.reached.get(ref.name);
    if (r === undefined) {
      r = { modes: new Set(), via: [], confidence };
      this.reached.set(ref.name, r);
    } else if (rank[confidence] > rank[r.confidence]) r.confidence = confidence;
    if (ref.mode !== undefined) r.modes.add(ref.mode);
    // Duplicates are dropped when the result is made (sorting brings them together): no key per call here.
    r.via.push(ref.mode === undefined ? via : { ...via, mode: ref.mode });
  }

  /**
   * Keeps, of the ways into `name` through the function `fn` (its import and its library code), only those in `modes`:
   * the program's own calls of a wrapper whose flags decide the mode (clone) outrank the map's list of every mode the
   * wrapper can make.
   */
  restrictModes(name: string, fn: string, modes: ReadonlySet<string>): void {
    const r = this.reached.get(name);
    if (r === undefined) return;
    r.via = r.via.filter((v) => !((v.kind === "import" || v.kind === "library") && v.function === fn && v.mode !== undefined && !modes.has(v.mode)));
    r.modes = new Set(r.via.map((v) => v.mode).filter((m): m is string => m !== undefined));
  }

  /**
   * Replaces each import or library way into `name` through the function `fn` that has no mode by one copy per
   * argument value the program's calls of `fn` pass (src/analyze/arg-modes.ts): the program's own calls outrank the
   * map's single entry, as restrictModes does for clone's flags.
   */
  splitByArgument(name: string, fn: string, values: ReadonlySet<string>): void {
    const r = this.reached.get(name);
    if (r === undefined || values.size === 0) return;
    const sorted = [...values].sort();
    r.via = r.via.flatMap((v) =>
      (v.kind === "import" || v.kind === "library") && v.function === fn && v.mode === undefined ? sorted.map((mode) => ({ ...v, mode })) : [v],
    );
    for (const m of sorted) r.modes.add(m);
  }

  /** Replaces every way in by what `f` makes of it (the same object when nothing changes). */
  mapVias(f: (syscall: string, v: Via) => Via): void {
    for (const [name, r] of this.reached) r.via = r.via.map((v) => f(name, v));
  }

  has(name: string): boolean {
    return this.reached.has(name);
  }

  /** Sorted by number, vias sorted, so the report is byte-stable. Each way of reaching is kept at most `maxVia` times per kind. */
  result(maxSitesPerSyscall = 8): ReachedSyscall[] {
    // The same via objects reach many syscalls: they are put in order once for the whole collector (equal ones share
    // a rank), and each syscall's list is then ordered by rank, first added first among equals, as a stable sort by
    // compareVia would.
    const distinct = new Set<Via>();
    for (const r of this.reached.values()) for (const v of r.via) distinct.add(v);
    const ordered = [...distinct].sort(compareVia);
    const rankOf = new Map<Via, number>();
    let rank = -1;
    ordered.forEach((v, i) => {
      if (i === 0 || compareVia(ordered[i - 1] as Via, v) !== 0) rank++;
      rankOf.set(v, rank);
    });
    return [...this.reached.entries()]
      .map(([name, r]) => {
        const n = r.via.length;
        let all: Via[] = [];
        if (n < 0x100000) {
          const keys = new Float64Array(n);
          for (let i = 0; i < n; i++) keys[i] = (rankOf.get(r.via[i] as Via) as number) * 0x100000 + i;
          keys.sort();
          let last = -1;
          for (let k = 0; k < n; k++) {
            const key = keys[k] as number;
            const rk = Math.floor(key / 0x100000);
            if (rk === last) continue; // the same way in again: the first added is kept
            last = rk;
            all.push(r.via[key - rk * 0x100000] as Via);
          }
        } else {
          // More ways in than the keys can number: the plain stable sort.
          all = r.via.sort(compareVia).filter((v, i, l) => i === 0 || compareVia(l[i - 1] as Via, v) !== 0);
        }
        // At most maxSitesPerSyscall sites per mode, so that every mode keeps its own (socket's AF_NETLINK call
        // among many AF_INET ones).
        const perMode = new Map<string | undefined, number>();
        const kept: Via[] = [];
        let dropped = 0;
        for (const v of all) {
          if (v.kind !== "site") continue;
          const c = perMode.get(v.mode) ?? 0;
          if (c < maxSitesPerSyscall) {
            kept.push(v);
            perMode.set(v.mode, c + 1);
          } else dropped++;
        }
        const via = [...all.filter((v) => v.kind !== "site"), ...kept];
        const out: ReachedSyscall = { name, nr: this.table.byName.get(name)?.nr ?? -1, modes: [...r.modes].sort(), via, confidence: r.confidence };
        if (dropped > 0) out.moreSites = dropped;
        if (SyscallCollector.VDSO[this.table.arch]?.has(name) === true) out.vdso = true;
        return out;
      })
      .sort((a, b) => a.nr - b.nr || cmp(a.name, b.name));
  }
}

/**
 * The inventory as the report stores it: at most `max` ways in per syscall (sites are already capped), the count of
 * the rest in `moreVia`. Ratings are made on the full lists before this.
 */
export function capInventory(syscalls: readonly ReachedSyscall[], max = 24): ReachedSyscall[] {
  return syscalls.map((s) => {
    if (s.via.length <= max) return s;
    return { ...s, via: s.via.slice(0, max), moreVia: s.via.length - max };
  });
}
