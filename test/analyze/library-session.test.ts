// @fileoverview The library session's memory bound: a session far below what a few real programs' libraries take
// keeps within its bound between files (by its own accounting, which grows as the programs' libraries are read),
// and the reports it gives are the same bytes as an unbounded session's, though it drops and reads libraries again.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { LibrarySession, SESSION_MAX_BYTES } from "../../src/analyze/libraries.js";
import { loadDatabase } from "../../src/index.js";
import { fileJson } from "../../src/report/json.js";
import { scanFile, selectTargets } from "../../src/scan/scan.js";

/** Dynamic programs of this machine that load different libraries (those present are used). */
const PROGRAMS = ["/usr/bin/curl", "/usr/bin/ssh", "/usr/bin/git", "/usr/bin/openssl", "/usr/bin/ls", "/usr/bin/tar", "/usr/bin/gpg", "/usr/bin/sqlite3"].filter((p) => existsSync(p));

describe("library session bounded by bytes", () => {
  const cache = mkdtempSync(join(tmpdir(), "unifit-session-"));
  const saved = process.env.UNIFIT_CACHE_DIR;
  process.env.UNIFIT_CACHE_DIR = cache;
  after(() => {
    if (saved === undefined) delete process.env.UNIFIT_CACHE_DIR;
    else process.env.UNIFIT_CACHE_DIR = saved;
    rmSync(cache, { recursive: true, force: true });
  });
  const db = loadDatabase();
  const targets = selectTargets(db, ["all"]);
  /** Each program's report (as the JSON report writes it) and the session's estimated bytes after it. */
  const run = (session: LibrarySession): { reports: string[]; bytes: number[] } => {
    const reports: string[] = [];
    const bytes: number[] = [];
    for (const p of PROGRAMS) {
      reports.push(fileJson(scanFile(p, db, targets, { session })));
      bytes.push(session.bytes);
    }
    return { reports, bytes };
  };

  it("keeps within its bound between files, and reports the same bytes as an unbounded session", (t) => {
    if (PROGRAMS.length < 3) return t.skip("fewer than three of the programs are installed");
    const unbounded = new LibrarySession(Infinity);
    const whole = run(unbounded);
    // The accounting counts what is read: the programs' libraries and the functions followed through them.
    assert.ok(unbounded.bytes > 1024 * 1024, `an unbounded session holds ${unbounded.bytes} bytes (${whole.bytes.join(", ")})`);
    assert.ok(unbounded.bytes < SESSION_MAX_BYTES, "the default bound is above what these few programs need");
    // A bound of a quarter of what they need: each file starts within it (trim), and ends within it plus one file's needs.
    const max = Math.floor(unbounded.bytes / 4);
    const bounded = new LibrarySession(max);
    const small = run(bounded);
    bounded.trim();
    assert.ok(bounded.bytes <= max, `${bounded.bytes} > ${max}`);
    assert.ok(bounded.facts.size < unbounded.facts.size, "libraries were dropped");
    assert.deepEqual(small.reports, whole.reports);
    bounded.release();
    assert.equal(bounded.bytes, 0);
  });
});
