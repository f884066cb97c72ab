// @fileoverview Replays the fuzz regression corpus (corpus.ts): each input, made again here, is scanned beside a good
// program; it ends (killed past 600 s, far beyond the seconds it takes), under 1 GB, with one error line naming it
// or with the report it gives without the odd file; the good program beside it is reported in full.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
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
  after(() => rmSync(work, { recursive: true, force: true }));
  const good = compile(fixture("sample", "prefork-server.c"));
  const flags = ["-f", "json", "-q", "--no-cache", "-t", "nanos"];
  const alone = reportsByPath(runMeasured(["scan", good, ...flags]).stdout).get(good);

  CORPUS.forEach((finding, n) => {
    it(`${finding.name} (${finding.found})`, () => {
      const replay = finding.make(join(work, String(n)));
      const args = ["scan", ...replay.args, good, ...flags];
      let sound: string | undefined;
      if (replay.absent !== undefined) {
        rmSync(replay.absent.file);
        const before = runMeasured(args, KILL_AFTER_SEC);
        assert.equal(before.stderr, "", "the tree without the file scans without error");
        sound = before.stdout;
        replay.absent.damage(replay.absent.file);
      }
      const r = runMeasured(args, KILL_AFTER_SEC);
      assert.doesNotMatch(r.stderr, CRASH);
      assert.ok(r.peakMb < 1024, `peak ${r.peakMb} MB`);
      if (replay.error !== undefined) {
        assert.equal(r.code, 2, r.stderr);
        const lines = r.stderr.trim().split("\n");
        assert.equal(lines.length, 1, r.stderr);
        const prefix = `unifit: ${replay.args[0] as string}: `;
        assert.ok(lines[0]?.startsWith(prefix), r.stderr);
        assert.match((lines[0] as string).slice(prefix.length), replay.error);
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
