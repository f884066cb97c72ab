// @fileoverview classify(): the linkage / PIE / libc decision table on synthetic inputs (covers Go and marker paths no compiler here produces).

import assert from "node:assert/strict";
import { test } from "node:test";
import { classify, GO_BUILDINFO_MAGIC } from "../../src/elf/classify.js";
import type { ClassifyInput } from "../../src/elf/classify.js";

function input(over: Partial<ClassifyInput>): ClassifyInput {
  return {
    fileType: 2,
    entry: 0x401000,
    interp: undefined,
    hasDynamic: false,
    needed: [],
    dtFlags1: 0,
    versionNeeds: [],
    sectionNames: new Set(),
    symtabNames: new Set(),
    notes: [],
    hasSymtab: false,
    sectionHeaders: false,
    fileContains: () => false,
    dataContains: () => false,
    ...over,
  };
}

test("linkage and PIE", () => {
  const cases: Array<[Partial<ClassifyInput>, string, boolean]> = [
    [{}, "static", false],
    [{ fileType: 3, hasDynamic: true, dtFlags1: 0x08000000 }, "static-pie", true],
    [{ fileType: 3, hasDynamic: true, entry: 0 }, "static", false],
    [{ fileType: 3, interp: "/lib64/ld-linux-x86-64.so.2", hasDynamic: true, needed: ["libc.so.6"] }, "dynamic", true],
    [{ fileType: 2, interp: "/lib64/ld-linux-x86-64.so.2", hasDynamic: true, needed: ["libc.so.6"] }, "dynamic", false],
    [{ fileType: 3, hasDynamic: true, needed: ["libm.so.6"] }, "dynamic", false],
  ];
  for (const [over, linkage, pie] of cases) {
    const c = classify(input(over));
    assert.equal(c.linkage, linkage, JSON.stringify(over));
    assert.equal(c.pie, pie, JSON.stringify(over));
  }
});

test("libc flavour and evidence", () => {
  const cases: Array<[Partial<ClassifyInput>, string, string]> = [
    [{ interp: "/lib/ld-musl-aarch64.so.1" }, "musl", "PT_INTERP /lib/ld-musl-aarch64.so.1"],
    [{ interp: "/lib/ld-linux-aarch64.so.1" }, "glibc", "PT_INTERP /lib/ld-linux-aarch64.so.1"],
    [{ needed: ["libc.musl-x86_64.so.1"] }, "musl", "DT_NEEDED libc.musl-x86_64.so.1"],
    [{ needed: ["libc.so.6"] }, "glibc", "DT_NEEDED libc.so.6"],
    [{ needed: ["libfoo.so"], versionNeeds: [{ file: "libfoo.so", versions: ["GLIBC_2.17"] }] }, "glibc", "version need GLIBC_2.17 (libfoo.so)"],
    [{ needed: ["libfoo.so"] }, "unknown", "no known libc in PT_INTERP, DT_NEEDED or version needs"],
    [{ sectionNames: new Set([".go.buildinfo"]) }, "go", ".go.buildinfo"],
    [{ sectionNames: new Set([".note.go.buildid"]) }, "go", ".note.go.buildid"],
    [{ notes: [{ owner: "Go", type: 4 }] }, "go", "Go build ID note"],
    [{ dataContains: (s) => s === GO_BUILDINFO_MAGIC }, "go", "Go build info magic in a writable PT_LOAD"],
    [{ notes: [{ owner: "GNU", type: 1 }] }, "glibc", "NT_GNU_ABI_TAG note"],
    [{ symtabNames: new Set(["__libc_setup_tls"]) }, "glibc", ".symtab __libc_setup_tls"],
    [{ symtabNames: new Set(["__init_libc"]) }, "musl", ".symtab __init_libc"],
    [{ fileContains: (s) => s.startsWith("GLIBC_TUNABLES") }, "glibc", 'string "GLIBC_TUNABLES"'],
    [{ fileContains: (s) => s.startsWith("No error information") }, "musl", 'string "No error information"'],
    [{}, "none", "static, no libc markers"],
  ];
  for (const [over, libc, evidence] of cases) {
    const c = classify(input(over));
    assert.equal(c.libc, libc, evidence);
    assert.equal(c.libcEvidence, evidence);
  }
});

test("a dynamically linked Go binary keeps its libc and mentions Go in the evidence", () => {
  const c = classify(
    input({ interp: "/lib64/ld-linux-x86-64.so.2", needed: ["libc.so.6"], sectionNames: new Set([".go.buildinfo"]) }),
  );
  assert.equal(c.libc, "glibc");
  assert.equal(c.libcEvidence, "PT_INTERP /lib64/ld-linux-x86-64.so.2; Go binary (.go.buildinfo)");
});

test("stripped and sectionHeaders pass through", () => {
  assert.deepEqual(
    [classify(input({ hasSymtab: true, sectionHeaders: true })).stripped, classify(input({ sectionHeaders: true })).sectionHeaders],
    [false, true],
  );
});
