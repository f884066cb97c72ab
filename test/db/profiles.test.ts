// @fileoverview Build profiles as targets of their own: unikraft:multiprocess (vfork/execve options) rated through the
// CLI on a program compiled at test time, the loader's checks on profile rows, and the read date in `unifit targets`.

import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadDatabase } from "../../src/db/load.js";
import { compile } from "../helpers/compile.js";
import { ROOT, fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

interface Finding { syscall: string; status: string; severity: string; evidence: string }
interface Verdict { target: string; verdict: string; findings: Finding[] }

describe("unikraft:multiprocess", () => {
  const program = compile(fixture("profiles", "vfork-exec.c"));
  const r = runCli(["scan", program, "--target", "unikraft,unikraft:multiprocess", "--format", "json", "--fail-on", "none"]);
  const targets = new Map<string, Verdict>();
  for (const t of JSON.parse(r.stdout).files[0].targets as Verdict[]) targets.set(t.target, t);
  const find = (t: string, sc: string): Finding | undefined => targets.get(t)?.findings.find((f) => f.syscall === sc);

  it("rates a vfork + execve program blocked on unikraft and not blocked on the multiprocess profile", () => {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(targets.get("unikraft")?.verdict, "blocked");
    assert.equal(find("unikraft", "vfork")?.severity, "blocker");
    assert.equal(find("unikraft", "execve")?.severity, "blocker");
    const mp = targets.get("unikraft:multiprocess");
    assert.ok(mp !== undefined && mp.verdict !== "blocked", JSON.stringify(mp?.findings.filter((f) => f.severity === "blocker")));
    assert.equal(find("unikraft:multiprocess", "vfork")?.status, "partial");
    assert.equal(find("unikraft:multiprocess", "execve")?.status, "partial");
  });

  it("cites the profile's rows at the profile's commit and the other rows at the target's", () => {
    assert.match(find("unikraft:multiprocess", "vfork")?.evidence ?? "", /^unikraft\/unikraft@2408a4e32177:lib\/posix-process\/vfork\.c:\d+/);
    assert.match(find("unikraft:multiprocess", "brk")?.evidence ?? "", /^unikraft\/app-elfloader@e4f701462689:/);
    assert.match(find("unikraft:multiprocess", "mmap")?.evidence ?? "", /^unikraft\/unikraft@eaf6fda1d420:/);
  });

  it("still refuses fork: clone in process mode stays a blocker", () => {
    const r2 = runCli(["explain", "clone", "--format", "json"]);
    assert.equal(r2.code, 0, r2.stderr);
    const rows = JSON.parse(r2.stdout).targets as { target: string; modes?: Record<string, string>; evidence: string }[];
    const mp = rows.find((t) => t.target === "unikraft:multiprocess");
    assert.deepEqual(mp?.modes, { thread: "full", process: "enosys" });
    assert.match(mp?.evidence ?? "", /@2408a4e32177:lib\/posix-process\/clone\.c:/);
    assert.equal(rows.find((t) => t.target === "unikraft")?.modes?.process, "enosys");
  });
});

describe("profile rows in the loader", () => {
  const shipped = readFileSync(join(ROOT, "syscall-db", "targets", "unikraft.yaml"), "utf8");
  const load = (yaml: string): unknown => {
    const db = mkdtempSync(join(tmpdir(), "unifit-profiles-"));
    cpSync(join(ROOT, "syscall-db"), db, { recursive: true });
    writeFileSync(join(db, "targets", "unikraft.yaml"), yaml);
    return loadDatabase(db, { cache: false });
  };

  it("rejects profile rows without the profile's own upstream, and rows naming a library the profile lacks", () => {
    const noUpstream = shipped.replace(/\n {4}upstream:\n(?: {6}.*\n| {8}.*\n)+/, "\n");
    assert.notEqual(noUpstream, shipped);
    assert.throws(() => load(noUpstream), /profiles\.multiprocess: rows need the profile's own upstream/);
    const foreign = shipped.replace("vfork: { status: partial, library: lib/posix-process,", "vfork: { status: partial, library: lib/posix-timerfd,");
    assert.notEqual(foreign, shipped);
    assert.throws(() => load(foreign), /profiles\.multiprocess: vfork: library "lib\/posix-timerfd" is not enabled/);
    const badNote = shipped.replace(/(\n {6}execve: \{ status: partial, library: lib\/posix-process, at: "[^"]+"), note: "[^"]+"/, "$1");
    assert.notEqual(badNote, shipped);
    assert.throws(() => load(badNote), /profiles\.multiprocess: execve: a partial row needs a note/);
  });
});

describe("unifit targets", () => {
  it("states each surface's read date, and each profile has a row of its own with its own commit", () => {
    const rows = JSON.parse(runCli(["targets", "--format", "json"]).stdout) as { name: string; upstream: { commit?: string; date?: string }; profile?: { kconfig?: string[] } }[];
    const by = new Map(rows.map((t) => [t.name, t]));
    for (const n of ["unikraft", "unikraft:full", "unikraft:multiprocess"]) assert.ok(by.has(n), n);
    assert.equal(by.get("unikraft")?.upstream.date, "2024-10-14");
    assert.equal(by.get("unikraft:multiprocess")?.upstream.date, "2024-09-11");
    assert.ok(by.get("unikraft:multiprocess")?.profile?.kconfig?.includes("CONFIG_LIBPOSIX_PROCESS_VFORK=y"));
    for (const t of rows) if (t.upstream.commit !== undefined && t.name !== "mirageos") assert.match(t.upstream.date ?? "", /^\d{4}-\d{2}-\d{2}$/, t.name);
    const table = runCli(["targets"]).stdout;
    assert.match(table, /^unikraft:multiprocess +unikernel +linux-binary +unikraft\/unikraft +2408a4e32177 +2024-09-11 /m);
    const csv = runCli(["targets", "--format", "csv"]).stdout;
    assert.match(csv, /^unikraft:multiprocess,.*,2408a4e32177ef8a9d7dbea2346877f50c91cbd5,2024-09-11,/m);
  });
});
