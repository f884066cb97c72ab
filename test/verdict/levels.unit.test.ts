// @fileoverview The status → level table and the level order that every rater (syscalls, rules, source call sites,
// explain) shares, and the status a row gives one mode of a call.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SurfaceRow } from "../../src/db/types.js";
import { LEVEL_OF_STATUS, LEVEL_RANK, capLevel, statusOf, worseLevel } from "../../src/verdict/levels.js";

describe("levels", () => {
  it("a missing call blocks, a partial or stubbed one warns, a full one is ok", () => {
    assert.deepEqual(LEVEL_OF_STATUS, { full: "ok", partial: "warning", stub: "warning", enosys: "blocker", absent: "blocker" });
  });
  it("orders ok < info < warning < blocker", () => {
    const levels = (["blocker", "ok", "warning", "info"] as const).slice().sort((a, b) => LEVEL_RANK[a] - LEVEL_RANK[b]);
    assert.deepEqual(levels, ["ok", "info", "warning", "blocker"]);
    assert.equal(worseLevel("warning", "blocker"), "blocker");
    assert.equal(worseLevel("info", "ok"), "info");
    assert.equal(capLevel("blocker", "warning"), "warning");
    assert.equal(capLevel("info", "warning"), "info");
  });
  it("a mode's own status wins over the row's; no row is absent", () => {
    const row: SurfaceRow = { status: "full", at: "x:1", modes: { process: "enosys", thread: "full" } };
    assert.equal(statusOf(row, "process"), "enosys");
    assert.equal(statusOf(row, "thread"), "full");
    assert.equal(statusOf(row, "other"), "full");
    assert.equal(statusOf(row, undefined), "full");
    assert.equal(statusOf(undefined, "process"), "absent");
  });
});
