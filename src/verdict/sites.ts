// @fileoverview Rates each source call site on each target: the worst level of the syscalls the call implies, with
// the deciding syscall. A syscall only made on an opt-in path caps at warning; one the libc tolerates, at info.

import type { Surface } from "../db/types.js";
import type { Level, SourceCallSite } from "../types.js";
import { LEVEL_OF_STATUS, LEVEL_RANK, statusOf } from "./levels.js";


/**
 * The rating of each syscalls list, per surface list: a tree's sites share the lists of the libc functions they call
 * (src/analyze/source-tree.ts), so thousands of sites are rated a few dozen times. The result is shared: never
 * written to.
 */
const rated = new WeakMap<SourceCallSite["syscalls"], WeakMap<readonly Surface[], SourceCallSite["targets"]>>();

export function rateSite(syscalls: SourceCallSite["syscalls"], surfaces: readonly Surface[]): SourceCallSite["targets"] {
  let bySurfaces = rated.get(syscalls);
  if (bySurfaces === undefined) rated.set(syscalls, (bySurfaces = new WeakMap()));
  let r = bySurfaces.get(surfaces);
  if (r === undefined) bySurfaces.set(surfaces, (r = rate(syscalls, surfaces)));
  return r;
}

function rate(syscalls: SourceCallSite["syscalls"], surfaces: readonly Surface[]): SourceCallSite["targets"] {
  return surfaces.map((surface) => {
    if (surface.noPosix !== undefined) return { target: surface.name, level: "blocker", because: surface.noPosix };
    let level: Level = "ok";
    let because: string | undefined;
    for (const s of syscalls) {
      const row = surface.rows.get(s.name);
      const status = statusOf(row, s.mode);
      let l = LEVEL_OF_STATUS[status];
      if (l !== "ok" && s.tolerated === true) l = "info";
      else if (l === "blocker" && s.conditional === true) l = "warning";
      if (row?.notMade !== undefined && l !== "ok") l = "info";
      if (LEVEL_RANK[l] > LEVEL_RANK[level]) {
        level = l;
        because = `${s.name}${s.mode !== undefined ? ` (${s.mode})` : ""}: ${status}${row?.note !== undefined ? `, ${row.note}` : ""}`;
      }
    }
    return because === undefined ? { target: surface.name, level } : { target: surface.name, level, because };
  });
}
