// @fileoverview Recall against reality on real Debian 12 binaries that do not go through a dynamic libc import
// table: busybox-static (/bin/busybox, glibc -static), shfmt (/usr/bin/shfmt, a static Go program) and ripgrep
// (/usr/bin/rg, Rust; dynamically linked against glibc in Debian 12, but most of its syscalls go through Rust's std).
// Each is run under `strace -f` on a small workload with no network, and every syscall its own image makes must
// be in the scan. Packages come from test/setup/prepare.sh (apt-get download, cached); without the cache the
// tests are skipped. Prints, per binary, how many syscalls the scan reports next to how many were observed.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadDatabase } from "../../src/index.js";
import { scanFile, selectTargets } from "../../src/scan/scan.js";
import { debianBinary } from "../helpers/paths.js";
import { traceProgram } from "../helpers/strace.js";

/** restart_syscall is issued by the kernel's signal-return path, not by an instruction of the program. */
const NOT_FROM_THE_IMAGE = new Set(["restart_syscall"]);

const db = loadDatabase();
const targets = selectTargets(db, ["nanos"]);
const haveStrace = existsSync("/usr/bin/strace") || existsSync("/bin/strace");

/** A scratch directory with the workloads' inputs. */
const work = mkdtempSync(join(tmpdir(), "unifit-static-bins-"));
writeFileSync(join(work, "script.sh"), 'if [ -n "$1" ]; then\necho   "hi $1"\nfi\nfor x in a b c; do echo $x; done\n');
mkdirSync(join(work, "tree", "sub"), { recursive: true });
writeFileSync(join(work, "tree", "a.txt"), "alpha\nneedle one\n");
writeFileSync(join(work, "tree", "sub", "b.txt"), "beta\nno match\nneedle two\n");
writeFileSync(join(work, "lines.txt"), "1\n2\n3\n");

interface Binary {
  label: string;
  pkg: string;
  path: string;
  /** Argument vectors (after the binary) run one after another; the observed set is their union. */
  runs: string[][];
}

const BINARIES: Binary[] = [
  {
    label: "busybox (busybox-static)",
    pkg: "busybox-static",
    path: "bin/busybox",
    runs: [
      ["ls", "/"],
      ["sh", "-c", "echo hi"],
      ["cat", "/etc/hostname"],
      ["wc", "-l", "/etc/passwd"],
    ],
  },
  {
    label: "shfmt (Go, static)",
    pkg: "shfmt",
    path: "usr/bin/shfmt",
    runs: [["-i", "2", join(work, "script.sh")]],
  },
  {
    label: "rg (ripgrep, Rust)",
    pkg: "ripgrep",
    path: "usr/bin/rg",
    runs: [["--no-config", "-n", "needle", join(work, "tree")]],
  },
];

describe("recall vs strace -f: static Debian binaries", () => {
  for (const b of BINARIES) {
    const bin = debianBinary(b.pkg, b.path);
    const skip = !haveStrace ? "strace is not installed" : !existsSync(bin) ? `${bin} is missing (run test/setup/prepare.sh)` : false;
    it(b.label, { skip, timeout: 120_000 }, (t) => {
      const r = scanFile(bin, db, targets);
      assert.ok(!("code" in r), "message" in r ? String(r.message) : "");
      const report = r;
      const reported = new Set(report.syscalls.map((s) => s.name));
      const observed = new Set<string>();
      for (const args of b.runs) for (const s of traceProgram([bin, ...args], { cwd: work })) observed.add(s);
      const missing = [...observed].filter((s) => !reported.has(s) && !NOT_FROM_THE_IMAGE.has(s)).sort();
      t.diagnostic(
        `${b.label}: static ${reported.size}, observed ${observed.size}, missing ${missing.length}` +
          (missing.length > 0 ? ` (${missing.join(", ")})` : ""),
      );
      assert.deepEqual(missing, [], `observed under strace but not reported: ${missing.join(", ")}`);
    });
  }
});
