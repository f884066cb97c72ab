// @fileoverview Call chains in the CLI's reports: programs compiled at test time (C with gcc, dynamic, stripped and
// static; C++ with g++) must name the chain from main to the import or site behind a finding, and the demangler
// must agree with c++filt wherever it gives a name.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { demangle } from "../../src/util/demangle.js";
import { compile } from "../helpers/compile.js";
import { fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

interface Chain {
  from: string;
  mode?: string;
  callers: string[];
  chain: string[];
}
interface Json {
  files: {
    syscalls: { name: string; chains?: Chain[]; via: { kind: string; function?: string; address?: string }[] }[];
    targets: { target: string; findings: { syscall: string; mode?: string; chain?: string[] }[] }[];
  }[];
}

function scanJson(bin: string): Json {
  const r = runCli(["scan", bin, "--target", "nanos", "--format", "json", "--fail-on", "none"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Json;
}

function cloneProcess(report: Json): { chain?: string[] } {
  const f = report.files[0]?.targets[0]?.findings.find((x) => x.syscall === "clone" && x.mode === "process");
  assert.ok(f !== undefined, "a clone (process) finding on nanos");
  return f;
}

/** Symbol addresses (and sizes) by name, from nm -S. */
function symbols(bin: string): Map<string, { addr: number; size: number }> {
  const out = new Map<string, { addr: number; size: number }>();
  for (const line of execFileSync("nm", ["-S", bin], { encoding: "utf8" }).split("\n")) {
    const m = /^([0-9a-f]+) (?:([0-9a-f]+) )?\w (\S+)$/.exec(line);
    if (m !== null) out.set(m[3] as string, { addr: Number.parseInt(m[1] as string, 16), size: Number.parseInt(m[2] ?? "0", 16) });
  }
  return out;
}
const sub = (a: number): string => `sub_${a.toString(16)}`;

const serve = fixture("chains", "serve.c");

describe("call chains", () => {
  it("a dynamic program: main -> serve_background -> spawn_worker -> fork@GLIBC_2.2.5 for clone (process)", () => {
    const bin = compile(serve, ["-fno-inline"]);
    const report = scanJson(bin);
    assert.deepEqual(cloneProcess(report).chain, ["main", "serve_background", "spawn_worker", "fork@GLIBC_2.2.5"]);
    const clone = report.files[0]?.syscalls.find((s) => s.name === "clone");
    const viaFork = clone?.chains?.find((c) => c.from === "fork@GLIBC_2.2.5");
    assert.deepEqual(viaFork?.callers, ["spawn_worker"]);
    // The text report leads the finding's "from" line with the chain.
    const text = runCli(["scan", bin, "--target", "nanos", "--fail-on", "none"]);
    assert.match(text.stdout, /clone \(process\).*\n +from main -> serve_background -> spawn_worker -> fork@GLIBC_2\.2\.5\n/);
  });

  it("a stripped build names the same chain by address (sub_<addr>), from the ELF entry", () => {
    const bin = compile(serve, ["-fno-inline"]);
    const stripped = compile(serve, ["-fno-inline", "-s"]);
    const sym = symbols(bin);
    const at = (n: string): string => sub((sym.get(n) as { addr: number }).addr);
    assert.deepEqual(cloneProcess(scanJson(stripped)).chain, [at("_start"), at("main"), at("serve_background"), at("spawn_worker"), "fork@GLIBC_2.2.5"]);
  });

  it("a static build follows the chain into libc's own fork", () => {
    const chain = cloneProcess(scanJson(compile(serve, ["-fno-inline", "-static"]))).chain ?? [];
    assert.deepEqual(chain.slice(0, 4), ["main", "serve_background", "spawn_worker", "fork"]);
  });

  it("code past the end of a sized symbol is not named after it", () => {
    const bin = compile(serve, ["-fno-inline"]);
    const tiny = symbols(bin).get("tiny");
    assert.ok(tiny !== undefined && tiny.size > 0);
    const getpid = scanJson(bin).files[0]?.syscalls.find((s) => s.name === "getpid");
    const site = getpid?.via.find((v) => v.kind === "site");
    assert.equal(site?.function, sub(tiny.addr + tiny.size));
    const chain = getpid?.chains?.find((c) => c.from === site?.address);
    assert.deepEqual(chain?.chain, ["main", "tiny", sub(tiny.addr + tiny.size)]);
  });

  it("a C++ program's chain is demangled", () => {
    const bin = compile(fixture("chains", "server.cpp"), [], "g++");
    assert.deepEqual(cloneProcess(scanJson(bin)).chain, ["main", "net::Server::start()", "net::Server::spawn(int) const", "fork@GLIBC_2.2.5"]);
  });
});

describe("demangle", () => {
  it("agrees with c++filt on every name it demangles (a C++ program's symbols and libstdc++'s exports)", () => {
    const bin = compile(fixture("chains", "server.cpp"), [], "g++");
    const libstdcxx = execFileSync("g++", ["-print-file-name=libstdc++.so"], { encoding: "utf8" }).trim();
    const names = new Set<string>();
    for (const args of [[bin], ["-D", "--defined-only", libstdcxx]]) {
      for (const line of execFileSync("nm", args, { encoding: "utf8", maxBuffer: 1 << 28 }).split("\n")) {
        const name = line.split(" ").pop()?.replace(/@.*/, "") ?? "";
        if (name.startsWith("_Z")) names.add(name);
      }
    }
    const list = [...names].sort();
    const expected = execFileSync("c++filt", [], { input: list.join("\n"), encoding: "utf8", maxBuffer: 1 << 28 }).split("\n");
    let same = 0;
    list.forEach((n, i) => {
      const d = demangle(n);
      if (d === n) return; // outside the subset: left as it came
      assert.equal(d, expected[i], n);
      same++;
    });
    assert.ok(list.length > 1000 && same >= 0.95 * list.length, `${same} of ${list.length} demangled`);
  });

  it("leaves names that are not Itanium C++, malformed or too long as they are", () => {
    // c++filt rejects these too (the substitution S9_ does not exist).
    for (const n of ["main", "_Z", "_ZZZZ", `_ZN${"1a".repeat(3000)}Ev`, "_ZSt", "_Z1fS9_"]) assert.equal(demangle(n), n);
    assert.equal(demangle("_ZN6Server5startEv"), "Server::start()");
    assert.equal(demangle("_ZN6Server5startE"), "Server::start");
  });
});
