// @fileoverview Library facts come from the cache only while the library is the same file: a program's own shared
// library, rebuilt in place between two runs that share a cache, is analysed again (its content hash is not taken
// from the path index once the file changed), so the second report shows what the new library does; facts stored
// in an older shape are not reused; a damaged index is ignored.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "../helpers/run-cli.js";

describe("library cache and a rebuilt library", () => {
  const dir = mkdtempSync(join(tmpdir(), "unifit-libcache-"));
  const cache = join(dir, "cache");
  after(() => rmSync(dir, { recursive: true, force: true }));

  const build = (call: string): void => {
    // helper() makes one raw system call, so the syscall it reaches shows which build of the library was read.
    writeFileSync(join(dir, "helper.c"), `#include <unistd.h>\n#include <sys/syscall.h>\nlong helper(void) { return syscall(${call}); }\n`);
    mkdirSync(join(dir, "lib"), { recursive: true });
    execFileSync("gcc", ["-O1", "-shared", "-fPIC", "-o", join(dir, "lib", "libhelper.so"), join(dir, "helper.c")]);
  };
  const syscallsOf = (): string[] => {
    const r = runCli(["scan", join(dir, "prog"), "-f", "json", "--fail-on", "none", "-t", "linux"], { UNIFIT_CACHE_DIR: cache });
    assert.equal(r.code, 0, r.stderr);
    const file = (JSON.parse(r.stdout) as { files: { syscalls: { name: string; via: { function?: string; library?: string }[] }[] }[] }).files[0];
    return (file?.syscalls ?? []).filter((s) => s.via.some((v) => v.library === "libhelper.so" && v.function === "helper")).map((s) => s.name);
  };

  it("reads the library again once it was rebuilt", () => {
    build("SYS_getppid");
    writeFileSync(join(dir, "prog.c"), "long helper(void);\nint main(void) { return (int)helper(); }\n");
    execFileSync("gcc", ["-O1", "-o", join(dir, "prog"), join(dir, "prog.c"), `-L${join(dir, "lib")}`, "-lhelper", "-Wl,-rpath,$ORIGIN/lib"]);
    assert.ok(syscallsOf().includes("getppid"));
    assert.ok(readdirSync(cache).some((f) => f.startsWith("paths-")), "the path index was written");
    assert.ok(syscallsOf().includes("getppid"), "a second run (from the cache) says the same");
    build("SYS_getpgrp");
    const after = syscallsOf();
    assert.ok(after.includes("getpgrp"), after.join(", "));
    assert.ok(!after.includes("getppid"), after.join(", "));
  });

  it("a library facts entry of the older shape (no pointer sets) is analysed again, not reused", () => {
    // Rewrite every stored entry as the previous format did (six fields per export) and with every list emptied:
    // reused, it would say helper() reaches nothing.
    const entries = readdirSync(cache).filter((n) => n.startsWith("lib-") && n.endsWith(".json"));
    assert.ok(entries.length > 0, "library facts were stored");
    for (const f of entries) {
      const stored = JSON.parse(readFileSync(join(cache, f), "utf8")) as { lists: number[][]; exportTuples: unknown[][] };
      stored.lists = stored.lists.map(() => []);
      stored.exportTuples = stored.exportTuples.map((t) => t.slice(0, 6));
      writeFileSync(join(cache, f), JSON.stringify(stored));
    }
    assert.ok(syscallsOf().includes("getpgrp"));
  });

  it("a damaged path index is ignored, not fatal", () => {
    for (const f of readdirSync(cache).filter((n) => n.startsWith("paths-"))) writeFileSync(join(cache, f), '{"not": "a list"}');
    assert.ok(syscallsOf().includes("getpgrp"));
  });
});
