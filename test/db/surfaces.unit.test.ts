// @fileoverview syscall-db validation: every shipped surface and libc map loads; the loader rejects rows without
// evidence, partial/stub rows without a note, unknown syscall names, duplicates and incomplete surfaces.

import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DbError, argRuleFor, loadDatabase } from "../../src/index.js";
import { ROOT } from "../helpers/paths.js";

const PROCESS_CALLS = [
  "fork", "vfork", "clone", "clone3", "execve", "execveat", "wait4", "waitid", "kill", "tgkill", "pipe2", "socketpair",
  "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semctl", "semtimedop", "msgget", "msgsnd", "msgrcv",
  "msgctl", "ptrace", "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups", "chroot", "mount",
];

describe("syscall-db", () => {
  const db = loadDatabase();

  it("loads every surface, each covering every x86-64 syscall with evidence", () => {
    assert.ok(db.surfaces.size >= 5);
    for (const s of db.surfaces.values()) {
      assert.equal(s.rows.size, db.tables.x86_64.byName.size, s.name);
      for (const [name, row] of s.rows) {
        assert.match(row.at, /^[^:\s]+:\d+(-\d+)?$/, `${s.name}.${name}`);
        if (row.status === "partial" || row.status === "stub" || row.status === "enosys") assert.ok(row.note, `${s.name}.${name}`);
      }
      assert.ok(s.upstream.commit !== undefined || s.upstream.version !== undefined, s.name);
    }
  });

  it("every unikernel surface has a note on each process and IPC call", () => {
    for (const s of db.surfaces.values()) {
      if (s.name === "linux" || s.aliasOf !== undefined) continue;
      for (const call of PROCESS_CALLS) assert.ok(s.rows.get(call)?.note, `${s.name}.${call} has no note`);
    }
  });

  it("the libc maps load and cover the process functions", () => {
    const glibc = db.libcs.get("glibc");
    assert.ok(glibc);
    for (const fn of ["fork", "execve", "system", "popen", "posix_spawn", "pthread_create", "waitpid"]) {
      assert.ok(glibc.functions.get(fn), `glibc.${fn}`);
    }
    assert.ok(glibc.functions.get("fork")?.x86_64.some((r) => r.name === "clone" && r.mode === "process"));
    assert.ok(glibc.functions.get("pthread_create")?.x86_64.some((r) => r.name === "clone3" && r.mode === "thread"));
    assert.ok(db.libcs.get("musl"));
  });

  const tamper = (file: string, edit: (text: string) => string): DbError => {
    const dir = mkdtempSync(join(tmpdir(), "unifit-db-"));
    cpSync(join(ROOT, "syscall-db"), dir, { recursive: true });
    const path = join(dir, file);
    writeFileSync(path, edit(readFileSync(path, "utf8")));
    try {
      loadDatabase(dir);
    } catch (e) {
      assert.ok(e instanceof DbError, String(e));
      return e;
    }
    assert.fail("the tampered database loaded");
  };

  it("rejects a row without evidence", () => {
    const e = tamper("targets/nanos.yaml", (t) => t.replace(/^( {2}read: \{ status: \w+), at: "[^"]*"/m, "$1"));
    assert.match(e.message, /nanos\.yaml: read: missing or empty "at"/);
  });
  it("rejects a partial row without a note", () => {
    const e = tamper("targets/linux.yaml", (t) => t.replace(/^ {2}read: \{ status: full,/m, "  read: { status: partial,"));
    assert.match(e.message, /read: a partial row needs a note/);
  });
  it("rejects an unknown syscall name", () => {
    const e = tamper("targets/linux.yaml", (t) => t.replace(/^ {2}read: /m, "  raed: "));
    assert.match(e.message, /raed: not a syscall of x86_64/);
  });
  it("rejects a duplicate row", () => {
    const e = tamper("targets/linux.yaml", (t) => t.replace(/^( {2}read: .*)$/m, "$1\n$1"));
    assert.match(e.message, /invalid YAML|duplicate/i);
  });
  it("rejects an errno that is not a known name, and an errno on a row that refuses nothing", () => {
    let e = tamper("targets/nanos.yaml", (t) => t.replace(/errno: ESRCH \}/, "errno: ESRHC }"));
    assert.match(e.message, /kill: errno must be one of EPERM, .*\(got "ESRHC"\)/);
    e = tamper("targets/nanos.yaml", (t) => t.replace(/^( {2}read: \{ status: full, at: "[^"]*") \}/m, "$1, errno: EPERM }"));
    assert.match(e.message, /read: errno is for rows \(or modes\) that are enosys or absent/);
  });
  it("rejects argument rules outside the vocabulary, without evidence, or with an errno on a served value", () => {
    let e = tamper("targets/nanos.yaml", (t) => t.replace("AF_NETLINK: { status: full", "AF_NETLNK: { status: full"));
    assert.match(e.message, /socket: args AF_NETLNK: not a domain value of socket/);
    e = tamper("targets/nanos.yaml", (t) => t.replace(/AF_NETLINK: \{ status: full, at: "[^"]*" \}/, "AF_NETLINK: { status: full }"));
    assert.match(e.message, /socket: args AF_NETLINK: missing or empty "at"/);
    e = tamper("targets/nanos.yaml", (t) => t.replace("AF_NETLINK: { status: full,", "AF_NETLINK: { status: full, errno: EPERM,"));
    assert.match(e.message, /socket: args AF_NETLINK: errno is for values that are enosys or absent/);
    e = tamper("targets/nanos.yaml", (t) => t.replace(/^( {2}read: \{ status: full, at: "[^"]*") \}/m, '$1, args: { other: { status: full, at: "x.c:1" } } }'));
    assert.match(e.message, /read: args: read has no argument vocabulary/);
    const db = loadDatabase();
    const rule = db.surfaces.get("unikraft")?.rows.get("socket")?.args?.other;
    assert.deepEqual(rule, { status: "enosys", errno: "EAFNOSUPPORT", at: "lib/posix-socket/socket.c:248-253", note: "no driver for the family (AF_NETLINK, AF_PACKET...): -EAFNOSUPPORT" });
  });
  it("takes pair keys (LEVEL/NAME, LEVEL/other) for setsockopt, with a rule's own repository, and rejects others", () => {
    let e = tamper("targets/nanos.yaml", (t) => t.replace('"SOL_SOCKET/SO_REUSEPORT": {', '"SOL_SOCKET/TCP_NODELAY": {'));
    assert.match(e.message, /getsockopt: args SOL_SOCKET\/TCP_NODELAY: not a level\/optname value of getsockopt .*write LEVEL\/NAME, LEVEL\/other or other/);
    e = tamper("targets/nanos.yaml", (t) => t.replace('"SOL_SOCKET/SO_REUSEPORT": {', '"SO_REUSEPORT": {'));
    assert.match(e.message, /getsockopt: args SO_REUSEPORT: not a level\/optname value/);
    e = tamper("targets/unikraft.yaml", (t) => t.replace(/(SOL_SOCKET\/other": \{ status: enosys, errno: ENOPROTOOPT, at: "[^"]*", repo: unikraft\/fork-lwip), commit: [0-9a-f]+/, "$1"));
    assert.match(e.message, /getsockopt: args SOL_SOCKET\/other: repo and commit go together/); // the first such rule in the file
    const db = loadDatabase();
    const args = db.surfaces.get("unikraft")?.rows.get("setsockopt")?.args ?? {};
    assert.equal(argRuleFor("setsockopt", args, "SOL_SOCKET/SO_REUSEPORT"), args["SOL_SOCKET/other"]);
    assert.equal(argRuleFor("setsockopt", args, "SOL_SOCKET/SO_KEEPALIVE")?.status, "full");
    assert.equal(argRuleFor("setsockopt", args, "SOL_PACKET/optname=1"), args.other);
    assert.equal(args["SOL_SOCKET/other"]?.repo, "unikraft/fork-lwip");
  });
  it("rejects a libc map naming a syscall unknown to the arch", () => {
    const e = tamper("libc/glibc.yaml", (t) => t.replace(/clone:process/, "klone:process"));
    assert.match(e.message, /"klone:process" is not a x86_64 syscall/);
  });
});

describe("argument syscalls' numbers", () => {
  it("are the numbers of syscall-db/linux for both arches", async () => {
    // The decoders carry their own copy (they run before a database is at hand); it must not drift from the tables.
    const { ARG_SYSCALL_NR } = await import("../../src/analyze/arg-calls.js");
    const db = loadDatabase();
    for (const [name, nrs] of Object.entries(ARG_SYSCALL_NR)) {
      for (const arch of ["x86_64", "aarch64"] as const) {
        assert.equal(nrs[arch], db.tables[arch].byName.get(name)?.nr, `${name} on ${arch}`);
      }
    }
  });
});
