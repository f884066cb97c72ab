// @fileoverview syscall-db/fallbacks: the shipped data loads with evidence on every entry; the loader rejects an entry
// without `at`, an unknown system call, an unknown runtime and an empty function list; the lookup prefers a named
// function over "*"; and the libc entries agree with what scripts/probe-fallbacks.mjs observes under strace's fault
// injection (gcc against this machine's glibc, musl-gcc -static), run here on a few fast cases.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DbError, fallbackFor, loadDatabase, RUNTIMES } from "../../src/index.js";
import type { Database, RuntimeName } from "../../src/index.js";
import { loadFallbacks } from "../../src/db/fallbacks.js";
import { ROOT } from "../helpers/paths.js";

const AT = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+@[A-Za-z0-9_.+/-]+:[^:\s,]+:\d+(-\d+)?(, [^:\s,]+:\d+(-\d+)?)*$/;

describe("syscall-db/fallbacks", () => {
  const db = loadDatabase(undefined, { cache: false });
  const scratch: string[] = [];
  after(() => {
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  it("loads every runtime, each entry with upstream evidence, and a probe record for glibc and musl", () => {
    assert.deepEqual([...db.fallbacks.keys()].sort(), [...RUNTIMES].sort());
    for (const [runtime, list] of db.fallbacks) {
      assert.ok(list.length >= 4, `${runtime} has ${list.length} entries`);
      for (const f of list) {
        const name = `${runtime}.${f.syscall}`;
        assert.equal(f.runtime, runtime);
        assert.match(f.at, AT, name);
        assert.ok(f.functions.length > 0 && f.errors.length > 0, name);
        for (const s of [f.syscall, ...f.to]) assert.ok(db.tables.x86_64.byName.has(s) || db.tables.aarch64.byName.has(s), `${name}: ${s}`);
        if (runtime === "glibc" || runtime === "musl") assert.match(f.probe ?? "", /^scripts\/probe-fallbacks\.mjs --libc (glibc|musl), \d{4}-\d\d-\d\d: /, name);
      }
    }
  });

  it("looks up by function, with a \"*\" entry for any function", () => {
    assert.deepEqual(fallbackFor(db, "glibc", "clone3", "pthread_create")?.to, ["clone"]);
    // glibc makes clone3 only in __clone_internal: the entry holds wherever glibc makes it, a library's path included.
    assert.deepEqual(fallbackFor(db, "glibc", "clone3", "curl_easy_perform")?.to, ["clone"]);
    assert.deepEqual(fallbackFor(db, "glibc", "clone3", undefined)?.to, ["clone"]);
    // Two getrandom entries: malloc's key falls back to the clock, arc4random to /dev/urandom; getrandom() itself to nothing.
    assert.deepEqual(fallbackFor(db, "glibc", "getrandom", "malloc")?.to, ["clock_gettime"]);
    assert.ok(fallbackFor(db, "glibc", "getrandom", "arc4random_buf")?.to.includes("openat"));
    assert.equal(fallbackFor(db, "glibc", "getrandom", "getrandom"), undefined);
    // rseq is tolerated wherever glibc makes it.
    assert.deepEqual(fallbackFor(db, "glibc", "rseq", undefined)?.to, []);
    assert.equal(fallbackFor(db, "glibc", "rseq", "anything")?.syscall, "rseq");
    assert.deepEqual(fallbackFor(db, "go", "copy_file_range", "internal/poll.CopyFileRange")?.to, ["read", "write"]);
    assert.equal(fallbackFor(db, "musl", "clone3", undefined), undefined);
  });

  /**
   * A copy of syscall-db with `edit` applied to one fallback file; returns what loading it throws. `whole` loads the
   * whole database (the path a scan takes); otherwise only the fallbacks, with the same validation and less time.
   */
  function loadEdited(file: string, edit: (text: string) => string | undefined, whole = false): unknown {
    const dir = mkdtempSync(join(tmpdir(), "unifit-fallbacks-"));
    scratch.push(dir);
    cpSync(join(ROOT, "syscall-db"), dir, { recursive: true });
    const path = join(dir, "fallbacks", file);
    let text = "";
    try {
      text = readFileSync(path, "utf8");
    } catch {
      // a new file
    }
    const edited = edit(text);
    if (edited !== undefined) writeFileSync(path, edited);
    try {
      if (whole) loadDatabase(dir, { cache: false });
      else loadFallbacks(join(dir, "fallbacks"), db.tables);
    } catch (e) {
      return e;
    }
    return undefined;
  }

  const rejects = (e: unknown, file: string, message: RegExp): void => {
    assert.ok(e instanceof DbError, `expected a DbError, got ${String(e)}`);
    assert.match(e.file, new RegExp(`fallbacks/${file}$`));
    assert.match(e.message, message);
  };

  it("rejects an entry without at", () => {
    const e = loadEdited("glibc.yaml", (t) => t.replace(/\n {4}at: "bminor\/glibc@[^"]*clone-internal[^"]*"/, ""), true);
    rejects(e, "glibc.yaml", /fallbacks\[0\] \(clone3\): missing "at"/);
  });

  it("rejects an at that is not repo@ref:path:line", () => {
    const e = loadEdited("musl.yaml", (t) => t.replace('at: "bminor/musl@7a43f6fea908:src/unistd/pipe2.c:6-22"', 'at: "src/unistd/pipe2.c"'));
    rejects(e, "musl.yaml", /fallbacks\[1\] \(pipe2\)\/at: must match pattern/);
  });

  it("rejects a system call name that Linux does not have, in syscall and in to", () => {
    rejects(loadEdited("glibc.yaml", (t) => t.replace("- syscall: clone3", "- syscall: clone4")), "glibc.yaml", /fallbacks\[0\] \(clone4\): "clone4" is not a Linux system call/);
    rejects(loadEdited("go.yaml", (t) => t.replace("to: [read, write]", "to: [read, writ]")), "go.yaml", /to: "writ" is not a Linux system call/);
  });

  it("rejects an empty function list and an unknown runtime", () => {
    rejects(loadEdited("rust.yaml", (t) => t.replace(/functions: \[std::sys::unix::rand::imp::getrandom_fill_bytes[^\]]*\]/, "functions: []")), "rust.yaml", /fallbacks\[4\] \(getrandom\)\/functions: must NOT have fewer than 1 items/);
    const python = "runtime: python\nversion: \"3.11\"\nfallbacks:\n  - { syscall: statx, functions: [\"*\"], errors: [ENOSYS], to: [newfstatat], does: \"x\", at: \"python/cpython@v3.11.0:Modules/posixmodule.c:1\" }\n";
    rejects(loadEdited("python.yaml", () => python), "python.yaml", /unknown runtime "python"/);
  });

  it("rejects two entries that claim the same function for one system call", () => {
    const e = loadEdited("musl.yaml", (t) => t.replace("functions: [dup3, __dup3]", "functions: [pipe2]").replace("- syscall: dup3", "- syscall: pipe2"));
    rejects(e, "musl.yaml", /pipe2 is already listed for pipe2 in fallbacks\[1\]/);
  });
});

/** Runs the probe on some cases and returns, per entry, what it observed. */
function probe(libc: "glibc" | "musl", cases: readonly string[]): { syscall: string; functions: string[]; observedNew: string[]; agrees: boolean; problems: string[] }[] {
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "probe-fallbacks.mjs"), "--libc", libc, "--only", cases.join(",")], { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, `probe-fallbacks --libc ${libc} exited ${r.status}: ${r.stderr}${r.stdout.slice(0, 2000)}`);
  const out = JSON.parse(r.stdout) as { cases: { id: string; ok: boolean }[]; entries: { syscall: string; functions: string[]; observedNew: string[]; agrees: boolean; problems: string[] }[] };
  assert.deepEqual(out.cases.map((c) => c.id).sort(), [...cases].sort());
  for (const c of out.cases) assert.ok(c.ok, c.id);
  return out.entries;
}

function checkAgainstData(db: Database, runtime: RuntimeName, entries: ReturnType<typeof probe>, expected: Record<string, string>): void {
  assert.equal(entries.length, Object.keys(expected).length);
  for (const e of entries) {
    const fn = expected[e.syscall];
    assert.ok(fn !== undefined, `unexpected entry ${e.syscall}`);
    const data = fallbackFor(db, runtime, e.syscall, fn);
    assert.ok(data !== undefined, `${runtime} has no ${e.syscall} entry for ${fn}`);
    // What the function used instead once the call failed is exactly the recorded list.
    assert.deepEqual([...e.observedNew].sort(), [...data.to].sort(), `${runtime}.${e.syscall}`);
    assert.ok(e.agrees, `${runtime}.${e.syscall}: ${e.problems.join("; ")}`);
  }
}

describe("fallback probes (strace -e inject=<syscall>:error=ENOSYS)", () => {
  const db = loadDatabase();

  it("glibc: clone3 -> clone, faccessat2 -> faccessat/fstatat emulation, statx -> newfstatat", () => {
    const entries = probe("glibc", ["clone3/pthread_create", "faccessat2/at_eaccess", "faccessat2/at_symlink_nofollow", "statx/statx"]);
    checkAgainstData(db, "glibc", entries, { clone3: "pthread_create", faccessat2: "faccessat", statx: "statx" });
  });

  it("musl: pipe2 -> pipe + fcntl, dup3 -> dup2 + fcntl, epoll_create1 -> epoll_create (static musl-gcc)", () => {
    const entries = probe("musl", ["pipe2/pipe2", "dup3/dup3", "epoll_create1/epoll_create"]);
    checkAgainstData(db, "musl", entries, { pipe2: "pipe2", dup3: "dup3", epoll_create1: "epoll_create" });
  });
});
