// @fileoverview Replays the fuzz regression corpus (corpus.ts): each input, made again here, is scanned beside a good
// program; it ends (killed past 600 s, far beyond the seconds it takes), under 1 GB, with one error line naming it
// or with the report it gives without the odd file; the good program beside it is reported in full.

import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { compile } from "../helpers/compile.js";
import { fixture } from "../helpers/paths.js";
import { CORPUS } from "./corpus.js";
import { CRASH, reportsByPath, runMeasured } from "./measure.js";

const KILL_AFTER_SEC = 600;

describe("fuzz regression corpus", () => {
  const work = mkdtempSync(join(tmpdir(), "unifit-corpus-"));
  chmodSync(work, 0o755);
  after(() => rmSync(work, { recursive: true, force: true }));
  const good = compile(fixture("sample", "prefork-server.c"));
  const flags = ["-f", "json", "-q", "--no-cache", "-t", "nanos"];
  const alone = reportsByPath(runMeasured(["scan", good, ...flags]).stdout).get(good);

  CORPUS.forEach((finding, n) => {
    it(`${finding.name} (${finding.found})`, () => {
      const replay = finding.make(join(work, String(n)));
      const args = ["scan", ...replay.args, good, ...flags];
      const bound = { killAfterSec: KILL_AFTER_SEC, unprivileged: replay.unprivileged === true };
      let sound: string | undefined;
      if (replay.absent !== undefined) {
        rmSync(replay.absent.file);
        const before = runMeasured(args, bound);
        assert.equal(before.stderr, "", "the tree without the file scans without error");
        sound = before.stdout;
        replay.absent.damage(replay.absent.file);
      }
      const r = runMeasured(args, bound);
      assert.doesNotMatch(r.stderr, CRASH);
      assert.ok(r.peakMb < (replay.peakMb ?? 1024), `peak ${r.peakMb} MB`);
      if (replay.errors !== undefined) {
        assert.equal(r.code, 2, r.stderr);
        const lines = r.stderr.trim().split("\n");
        assert.equal(lines.length, replay.errors.length, r.stderr);
        const prefix = `unifit: ${replay.args[0] as string}: `;
        for (const l of lines) assert.ok(l.startsWith(prefix), r.stderr);
        for (const e of replay.errors) assert.ok(lines.some((l) => e.test(l.slice(prefix.length))), `${String(e)} in ${r.stderr}`);
        assert.ok(alone !== undefined && alone.includes('"fork"'), "the good program's report lists its fork");
        assert.equal(reportsByPath(r.stdout).get(good), alone, "the good program is reported as alone");
      } else {
        // Both scans read the same --sysroot, so the good program's libraries come from it in both.
        assert.equal(r.stderr, "");
        assert.equal(r.stdout, sound, "the odd file is read as absent; the good program is reported as before");
      }
    });
  });
});
