// @fileoverview What a target's status means for a program, defined once: status → level, the order of levels, and
// the status a row gives one mode of a call. Used by the raters of syscalls, rules and source call sites.

import type { SurfaceRow } from "../db/types.js";
import type { Level, Status } from "../types.js";

/** The level a status implies before qualifiers: a missing call blocks, a partial or stubbed one warns. */
export const LEVEL_OF_STATUS: Readonly<Record<Status, Level>> = {
  full: "ok",
  partial: "warning",
  stub: "warning",
  enosys: "blocker",
  absent: "blocker",
};

/** How serious a level is: ok 0, info 1, warning 2, blocker 3. */
export const LEVEL_RANK: Readonly<Record<Level, number>> = { ok: 0, info: 1, warning: 2, blocker: 3 };

/** The more serious of two levels (the first on a tie). */
export function worseLevel<L extends Level>(a: L, b: L): L {
  return LEVEL_RANK[b] > LEVEL_RANK[a] ? b : a;
}

/** A level no more serious than max. */
export function capLevel<L extends Level>(level: L, max: L): L {
  return LEVEL_RANK[level] > LEVEL_RANK[max] ? max : level;
}

/** The status a target's row gives a call in a mode (clone: process or thread): the mode's own, else the row's; a
 * syscall with no row is absent. */
export function statusOf(row: SurfaceRow | undefined, mode: string | undefined): Status {
  if (row === undefined) return "absent";
  return (mode !== undefined ? row.modes?.[mode] : undefined) ?? row.status;
}
