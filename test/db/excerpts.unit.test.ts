// @fileoverview A handful of process-call rows checked against the upstream lines they cite: the checked-in excerpts
// (fixtures/upstream-excerpts/excerpts.tsv, made by scripts/excerpts.mjs from the pinned upstream commits: line
// numbers and names only) must fall inside each row's cited range at the row's commit, and the statuses they back
// must be the ones the surfaces state.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadDatabase } from "../../src/index.js";
import { ROOT } from "../helpers/paths.js";

const db = loadDatabase();
const lines = readFileSync(join(ROOT, "fixtures", "upstream-excerpts", "excerpts.tsv"), "utf8").trim().split("\n").slice(1);

/** What the excerpts back, per target and syscall: status, and the process-mode status for clone. */
const EXPECTED: Record<string, string> = {
  "nanos clone": "partial process=enosys thread=full",
  "nanos fork": "absent",
  "nanos wait4": "stub",
  "nanos setuid": "stub",
  "nanos kill": "partial other=enosys self=full",
  "osv clone": "partial process=enosys thread=full",
  "osv fork": "absent",
  "osv shmget": "partial",
  "unikraft clone": "partial process=enosys thread=full",
  "unikraft execve": "enosys",
  "unikraft wait4": "enosys",
  "unikraft setuid": "partial",
  "unikraft fork": "absent",
  "gvisor fork": "full",
  "gvisor execve": "full",
  "gvisor clone": "partial process=full thread=full",
  "gvisor ptrace": "partial",
  "gvisor shmget": "partial",
};

describe("process-call rows against upstream excerpts", () => {
  for (const l of lines) {
    const [target = "", syscall = "", repo, commit, path, line, name] = l.split("\t");
    it(`${target} ${syscall}: ${path}:${line} names ${name}`, () => {
      const s = db.surfaces.get(target);
      assert.ok(s, target);
      const row = s.rows.get(syscall);
      assert.ok(row, syscall);
      assert.equal(row.repo ?? s.upstream.repo, repo);
      assert.equal(row.commit ?? s.upstream.commit, commit);
      const [p, range = ""] = row.at.split(":");
      const [from = 0, to = from] = range.split("-").map(Number);
      assert.equal(p, path);
      assert.ok(Number(line) >= from && Number(line) <= to, `line ${line} outside ${row.at}`);
      const modes = row.modes === undefined ? "" : " " + Object.entries(row.modes).sort().map(([m, st]) => `${m}=${st}`).join(" ");
      assert.equal(`${row.status}${modes}`, EXPECTED[`${target} ${syscall}`]);
      assert.ok((row.note ?? "").length > 20, "a precise note");
    });
  }
});
