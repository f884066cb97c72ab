// @fileoverview Recall against reality on aarch64: each test program cross-built with aarch64-linux-gnu-gcc, static
// and dynamic (its libraries read from the cross sysroot /usr/aarch64-linux-gnu, which holds Debian's arm64 glibc),
// run under qemu-aarch64 -strace; every syscall the program made must be in the scan. Prints, per variant, how many
// syscalls the scan reports next to how many were observed.

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
import { traceEmulated } from "../helpers/strace.js";

const CC = "aarch64-linux-gnu-gcc";
const QEMU = "/usr/bin/qemu-aarch64";
const SYSROOT = "/usr/aarch64-linux-gnu";

const PROGRAMS = [...PORTABLE_PROGRAMS, "inline-asm-aarch64", "file-io"];

const VARIANTS = [
  { name: "aarch64 gcc -static", flags: ["-static"], sysroot: undefined },
  { name: "aarch64 gcc dynamic", flags: [] as string[], sysroot: SYSROOT },
];

const db = loadDatabase();
const targets = selectTargets(db, ["nanos"]);
const work = mkdtempSync(join(tmpdir(), "unifit-aarch64-"));
const missingTools = [`/usr/bin/${CC}`, QEMU].filter((p) => !existsSync(p));
const skip = missingTools.length > 0 ? `not installed: ${missingTools.join(", ")} (test/setup/prepare.sh installs them)` : false;

for (const v of VARIANTS) {
  describe(`recall vs qemu-aarch64 -strace: ${v.name}`, () => {
    for (const program of PROGRAMS) {
      it(program, { skip }, (t) => {
        const flags = program === "pthreads" ? [...v.flags, "-pthread"] : v.flags;
        const bin = compile(join(ROOT, "test", "oracle", "programs", `${program}.c`), flags, CC);
        const r = scanFile(bin, db, targets, v.sysroot === undefined ? {} : { sysroot: v.sysroot });
        assert.ok(!("code" in r), "message" in r ? String(r.message) : "");
        const report = r;
        assert.equal(report.binary?.arch, "aarch64");
        assert.ok((report.binary?.code.instructions ?? 0) > 0, "the code was decoded");
        if (v.sysroot !== undefined) {
          const libc = report.binary?.libraries.find((l) => l.name === "libc.so.6");
          assert.ok(libc?.path !== undefined && libc.functions > 0, "imports followed through the sysroot's libc.so.6");
        }
        const reported = new Set(report.syscalls.map((s) => s.name));
        const opts = { qemu: QEMU, cwd: work, nameOf: (nr: number) => db.tables.aarch64.byNr.get(nr) };
        const observed = traceEmulated([bin, join(work, `${program}.out`)], v.sysroot === undefined ? opts : { ...opts, sysroot: v.sysroot });
        assert.ok(observed.has("exit_group"), `the program ran under qemu (observed: ${[...observed].join(", ")})`);
        const missing = [...observed].filter((s) => !reported.has(s)).sort();
        t.diagnostic(`${v.name} ${program}: static ${reported.size}, observed ${observed.size}, missing ${missing.length}`);
        assert.deepEqual(missing, [], `observed under qemu but not reported: ${missing.join(", ")}`);
      });
    }
  });
}
