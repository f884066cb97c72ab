// @fileoverview Recall against reality, for each test program built three ways (gcc dynamic, gcc -static,
// musl-gcc -static): run it under `strace -f`, and every syscall its own image makes must be in the scan.
// Prints, per variant, how many syscalls the scan reports next to how many were observed.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadDatabase } from "../../src/index.js";
import { scanFile, selectTargets } from "../../src/scan/scan.js";
import { compile } from "../helpers/compile.js";
import { PORTABLE_PROGRAMS } from "../helpers/programs.js";
import { ROOT } from "../helpers/paths.js";
import { traceProgram } from "../helpers/strace.js";

/** restart_syscall is issued by the kernel's signal-return path, not by an instruction of the program (see scan-vs-strace). */
const NOT_FROM_THE_IMAGE = new Set(["restart_syscall"]);

const PROGRAMS = [...PORTABLE_PROGRAMS, "inline-asm"];

const VARIANTS = [
  { name: "gcc dynamic", cc: "gcc", flags: [] as string[] },
  { name: "gcc -static", cc: "gcc", flags: ["-static"] },
  { name: "musl-gcc -static", cc: "musl-gcc", flags: ["-static"] },
];

const db = loadDatabase();
const targets = selectTargets(db, ["nanos"]);
const work = mkdtempSync(join(tmpdir(), "unifit-variants-"));

for (const v of VARIANTS) {
  describe(`recall vs strace -f: ${v.name}`, () => {
    const haveCc = v.cc === "gcc" || existsSync(`/usr/bin/${v.cc}`);
    for (const program of PROGRAMS) {
      it(program, { skip: haveCc ? false : `${v.cc} is not installed` }, (t) => {
        const flags = program === "pthreads" ? [...v.flags, "-pthread"] : v.flags;
        const bin = compile(join(ROOT, "test", "oracle", "programs", `${program}.c`), flags, v.cc);
        const r = scanFile(bin, db, targets);
        assert.ok(!("code" in r), "message" in r ? String(r.message) : "");
        const report = r;
        const reported = new Set(report.syscalls.map((s) => s.name));
        const observed = traceProgram([bin, join(work, `${program}.out`)], { cwd: work });
        const missing = [...observed].filter((s) => !reported.has(s) && !NOT_FROM_THE_IMAGE.has(s)).sort();
        t.diagnostic(`${v.name} ${program}: static ${reported.size}, observed ${observed.size}, missing ${missing.length}`);
        assert.deepEqual(missing, [], `observed under strace but not reported: ${missing.join(", ")}`);
      });
    }
  });
}
