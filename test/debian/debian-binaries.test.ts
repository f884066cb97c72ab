// @fileoverview Real Debian binaries (fetched by test/setup/prepare.sh with apt-get download, cached): they scan,
// and nginx's report names fork and execve as blockers on nanos.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadDatabase } from "../../src/index.js";
import { scanFile, selectTargets } from "../../src/scan/scan.js";
import type { FileReport } from "../../src/index.js";
import { debianBinary } from "../helpers/paths.js";

const db = loadDatabase();
const targets = selectTargets(db, ["all"]);

const bins = [
  { pkg: "nginx", path: "usr/sbin/nginx" },
  { pkg: "redis-tools", path: "usr/bin/redis-check-rdb" },
  { pkg: "sqlite3", path: "usr/bin/sqlite3" },
];

describe("real Debian binaries", () => {
  for (const b of bins) {
    it(`${b.pkg}: ${b.path} scans as a dynamic glibc binary`, () => {
      const r = scanFile(debianBinary(b.pkg, b.path), db, targets);
      assert.ok(!("code" in r), JSON.stringify(r));
      const f = r;
      assert.equal(f.binary!.linkage, "dynamic");
      assert.equal(f.binary!.libc, "glibc");
      assert.ok(f.syscalls.length > 20, `${f.syscalls.length} syscalls`);
      console.log(`# ${b.pkg}: ${f.syscalls.length} syscalls via ${f.binary!.importsMapped} imports; ` +
        f.targets.map((t) => `${t.target} ${t.verdict} ${t.score}`).join(", "));
    });
  }

  it("nginx on nanos: fork (clone in process mode) and execve are blockers", () => {
    const f = scanFile(debianBinary("nginx", "usr/sbin/nginx"), db, selectTargets(db, ["nanos"])) as FileReport;
    const nanos = f.targets[0];
    assert.equal(nanos?.verdict, "blocked");
    const blockers = nanos?.findings.filter((x) => x.severity === "blocker") ?? [];
    const fork = blockers.find((x) => x.syscall === "clone" && x.mode === "process");
    assert.ok(fork, "clone (process) is a blocker");
    const exec = blockers.find((x) => x.syscall === "execve");
    assert.ok(exec, "execve is a blocker");
    // Why, from the inventory: the finding's labels are capped (12, in name order), and OpenSSL functions that reach
    // a plain clone only through libcrypto's tables of pointers (viaPointer) sort before fork@.
    const direct = (name: string, fn: string, mode?: string): boolean =>
      f.syscalls.some((s) => s.name === name && s.via.some((v) => v.function === fn && v.viaPointer !== true && (mode === undefined || v.mode === mode)));
    assert.ok(direct("clone", "fork", "process"), "clone (process) reached directly through fork");
    assert.ok(direct("execve", "execve"), "execve reached directly through execve");
  });
});
