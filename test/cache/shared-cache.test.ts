// @fileoverview Two CLI scans share one small cache at once (--cache-max far below what they write): both report
// what a scan without a cache reports, print nothing on stderr, leave no temporary or lock file, and leave the
// directory within the bound, round after round. Entries vanish under each scan as the other prunes.

import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { CLI, ROOT } from "../helpers/paths.js";

/** Bytes the entries of a cache directory take. */
const entryBytes = (dir: string): number => readdirSync(dir).filter((n) => n.endsWith(".json")).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

describe("two CLI scans share one small cache at once", () => {
  const dir = mkdtempSync(join(tmpdir(), "unifit-cacheshare-"));
  const root = join(dir, "root");
  const cache = join(dir, "cache");
  const MAX = 3000;
  after(() => rmSync(dir, { recursive: true, force: true }));
  // Ten programs, each linked with two of ten small libraries whose function makes one syscall: every library's facts
  // entry is a few hundred bytes, so a 3000-byte cache holds only some of them and is pruned while both scans run.
  const CALLS = ["getppid", "getpgrp", "getuid", "getgid", "geteuid", "getegid", "sync", "sched_yield", "getpid", "gettid"];
  const programs: string[] = [];

  it("builds the programs", () => {
    const app = join(root, "app");
    mkdirSync(join(app, "lib"), { recursive: true });
    CALLS.forEach((call, i) => {
      writeFileSync(join(dir, `l${i}.c`), `#include <unistd.h>\n#include <sys/syscall.h>\nlong f${i}(void) { return syscall(SYS_${call}); }\n`);
      execFileSync("gcc", ["-O1", "-shared", "-fPIC", "-o", join(app, "lib", `libl${i}.so`), join(dir, `l${i}.c`)]);
    });
    CALLS.forEach((_, i) => {
      const j = (i + 1) % CALLS.length;
      writeFileSync(join(dir, `p${i}.c`), `long f${i}(void);\nlong f${j}(void);\nint main(void) { return (int)(f${i}() + f${j}()); }\n`);
      const out = join(app, `p${i}`);
      execFileSync("gcc", ["-O1", "-o", out, join(dir, `p${i}.c`), `-L${join(app, "lib")}`, `-ll${i}`, `-ll${j}`, "-Wl,-rpath,$ORIGIN/lib"]);
      programs.push(out);
    });
  });

  const args = (): string[] => [CLI, "scan", ...programs, "--sysroot", root, "-f", "json", "-t", "linux,nanos", "--fail-on", "none", "-j", "1"];
  const runTogether = async (): Promise<{ code: number | null; stdout: string; stderr: string }[]> =>
    await Promise.all(
      [0, 1].map(
        () =>
          new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
            const p = spawn(process.execPath, [...args(), "--cache", cache, "--cache-max", String(MAX)], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
            let stdout = "";
            let stderr = "";
            p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
            p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
            p.on("error", reject);
            p.on("close", (code) => resolve({ code, stdout, stderr }));
          }),
      ),
    );

  it("both report what a scan without a cache reports, and the directory ends within the bound", async () => {
    const plain = spawnSync(process.execPath, [...args(), "--no-cache"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    assert.equal(plain.status, 0, plain.stderr);
    for (const c of CALLS) assert.ok(plain.stdout.includes(`"${c}"`), `${c} is reached through its library`);
    for (let round = 0; round < 2; round++) {
      const runs = await runTogether();
      for (const r of runs) {
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, "");
        assert.equal(r.stdout, plain.stdout, `round ${round}: the same report as without a cache`);
      }
      const names = readdirSync(cache);
      assert.ok(names.some((n) => n.startsWith("lib-")), "library facts were kept");
      assert.deepEqual(names.filter((n) => !n.endsWith(".json")), [], "no temporary or lock file is left");
      assert.ok(entryBytes(cache) <= MAX, `round ${round}: ${entryBytes(cache)} bytes`);
    }
  });
});
