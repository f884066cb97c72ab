// @fileoverview readElf on programs compiled with gcc (and musl-gcc) at test time: PIE, no-PIE, static, static-pie, stripped, no section headers.

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { readElf } from "../../src/elf/index.js";
import type { ElfFile, ElfSymbol } from "../../src/elf/index.js";
import {
  compile,
  hasTool,
  makeTempDir,
  readBytes,
  run,
  withShnumZero,
  withShoffBeyondEof,
  withoutSectionHeaders,
} from "./helpers.js";

const haveGcc = process.platform === "linux" && process.arch === "x64" && hasTool("gcc");
const haveStrip = hasTool("strip");
const haveMusl = hasTool("/usr/bin/musl-gcc");

const importKey = (s: ElfSymbol): string => `${s.name}@${s.version ?? ""}:${s.library ?? ""}`;
const findImport = (elf: ElfFile, name: string): ElfSymbol | undefined => elf.imports.find((s) => s.name === name);

describe("gcc-compiled programs", { skip: haveGcc ? false : "needs gcc on x86-64 Linux" }, () => {
  const tmp = makeTempDir();
  const bins = new Map<string, Buffer>();

  before(() => {
    const variants: Array<[string, string[]]> = [
      ["pie", ["-O1", "-pie", "-fPIE"]],
      ["nopie", ["-O1", "-no-pie"]],
      ["static", ["-O1", "-static"]],
      ["static-pie", ["-O1", "-static-pie"]],
    ];
    for (const [name, flags] of variants) {
      const out = compile(tmp.dir, name, flags);
      if (out !== undefined) bins.set(name, readBytes(out));
    }
    const pie = `${tmp.dir}/pie`;
    if (haveStrip && bins.has("pie")) {
      run("strip", ["--strip-all", "-o", `${tmp.dir}/pie-stripped`, pie]);
      bins.set("pie-stripped", readBytes(`${tmp.dir}/pie-stripped`));
    }
    if (haveStrip && bins.has("static")) {
      run("strip", ["--strip-all", "-o", `${tmp.dir}/static-stripped`, `${tmp.dir}/static`]);
      bins.set("static-stripped", readBytes(`${tmp.dir}/static-stripped`));
    }
  });

  after(() => tmp.cleanup());

  const get = (name: string): Buffer => {
    const b = bins.get(name);
    assert.ok(b, `${name} was not built`);
    return b;
  };

  test("dynamic PIE: needed, interp, versioned imports with library, classification", () => {
    const elf = readElf(get("pie"));
    assert.equal(elf.bits, 64);
    assert.equal(elf.endian, "little");
    assert.equal(elf.machine, "x86_64");
    assert.equal(elf.machineCode, 62);
    assert.equal(elf.fileType, 3);
    assert.deepEqual(elf.needed, ["libc.so.6"]);
    assert.match(elf.interp ?? "", /\/ld-linux-x86-64\.so\.2$/);
    const puts = findImport(elf, "puts");
    const printf = findImport(elf, "printf");
    assert.ok(puts && printf, "puts and printf are imported");
    assert.equal(puts.version, "GLIBC_2.2.5");
    assert.equal(puts.library, "libc.so.6");
    assert.equal(puts.kind, "func");
    assert.equal(puts.binding, "global");
    assert.equal(puts.undefined, true);
    assert.equal(printf.version, "GLIBC_2.2.5");
    const lsm = findImport(elf, "__libc_start_main");
    assert.ok(lsm?.version === "GLIBC_2.34" || lsm?.version === "GLIBC_2.2.5");
    assert.deepEqual(
      elf.imports.map((s) => s.name),
      [...elf.imports.map((s) => s.name)].sort(),
      "imports sorted by name",
    );
    const libc = elf.versionNeeds.find((n) => n.file === "libc.so.6");
    assert.ok(libc?.versions.includes("GLIBC_2.2.5"));
    assert.equal(elf.classification.linkage, "dynamic");
    assert.equal(elf.classification.pie, true);
    assert.equal(elf.classification.libc, "glibc");
    assert.match(elf.classification.libcEvidence, /PT_INTERP/);
    assert.equal(elf.classification.stripped, false);
    assert.equal(elf.classification.sectionHeaders, true);
    assert.equal(elf.execStack, false);
    assert.ok(elf.symtab.some((s) => s.name === "main" && s.kind === "func" && !s.undefined));
    assert.ok(elf.segments.some((s) => s.type === 1));
    assert.ok(elf.sections.some((s) => s.name === ".dynsym" && s.type === 11 && s.entsize === 24));
    assert.deepEqual(elf.warnings, []);
  });

  test("readElf is deterministic", () => {
    const b = get("pie");
    assert.equal(JSON.stringify(readElf(b)), JSON.stringify(readElf(Buffer.from(b))));
  });

  test("-no-pie: ET_EXEC, dynamic, not PIE", () => {
    const elf = readElf(get("nopie"));
    assert.equal(elf.fileType, 2);
    assert.equal(elf.classification.linkage, "dynamic");
    assert.equal(elf.classification.pie, false);
    assert.equal(elf.classification.libc, "glibc");
    assert.equal(findImport(elf, "puts")?.library, "libc.so.6");
  });

  test("-static: static glibc, no imports", () => {
    const elf = readElf(get("static"));
    assert.equal(elf.interp, undefined);
    assert.deepEqual(elf.needed, []);
    assert.deepEqual(elf.imports, []);
    assert.equal(elf.classification.linkage, "static");
    assert.equal(elf.classification.pie, false);
    assert.equal(elf.classification.libc, "glibc");
    assert.equal(elf.classification.stripped, false);
    assert.ok(elf.symtab.length > 100);
    assert.equal(elf.tls, true);
  });

  test("-static-pie: static-pie, PIE, glibc", () => {
    const elf = readElf(get("static-pie"));
    assert.equal(elf.fileType, 3);
    assert.equal(elf.interp, undefined);
    assert.deepEqual(elf.needed, []);
    assert.equal(elf.classification.linkage, "static-pie");
    assert.equal(elf.classification.pie, true);
    assert.equal(elf.classification.libc, "glibc");
  });

  test("strip --strip-all: stripped, same imports", { skip: haveStrip ? false : "needs strip" }, () => {
    const intact = readElf(get("pie"));
    const elf = readElf(get("pie-stripped"));
    assert.equal(elf.classification.stripped, true);
    assert.equal(elf.classification.sectionHeaders, true);
    assert.deepEqual(elf.symtab, []);
    assert.deepEqual(elf.imports.map(importKey), intact.imports.map(importKey));
    const st = readElf(get("static-stripped"));
    assert.equal(st.classification.stripped, true);
    assert.equal(st.classification.libc, "glibc");
    assert.equal(st.classification.linkage, "static");
  });

  for (const [label, patch] of [
    ["e_shoff beyond EOF", withShoffBeyondEof],
    ["e_shnum = 0", withShnumZero],
    ["section header table removed", withoutSectionHeaders],
  ] as const) {
    test(`${label}: imports found through PT_DYNAMIC, same as the intact file`, () => {
      for (const name of ["pie", "nopie"]) {
        const intact = readElf(get(name));
        const elf = readElf(patch(get(name)));
        assert.deepEqual(elf.sections, []);
        assert.equal(elf.classification.sectionHeaders, false);
        assert.equal(elf.classification.stripped, true);
        assert.deepEqual(elf.needed, intact.needed);
        assert.equal(elf.interp, intact.interp);
        assert.deepEqual(elf.imports, intact.imports, `${name}: imports`);
        assert.deepEqual(elf.exports, intact.exports, `${name}: exports`);
        assert.deepEqual(elf.versionNeeds, intact.versionNeeds);
        assert.equal(elf.classification.linkage, intact.classification.linkage);
        assert.equal(elf.classification.pie, intact.classification.pie);
        assert.equal(elf.classification.libc, "glibc");
        if (label === "e_shoff beyond EOF") assert.match(elf.warnings.join("\n"), /section headers/);
      }
      const st = readElf(patch(get("static-pie")));
      assert.equal(st.classification.linkage, "static-pie");
      assert.equal(st.classification.libc, "glibc");
    });
  }

  test("musl-gcc -static: static musl", { skip: haveMusl ? false : "needs /usr/bin/musl-gcc" }, () => {
    const out = compile(tmp.dir, "musl-static", ["-O1", "-static"], "/usr/bin/musl-gcc");
    assert.ok(out, "musl-gcc -static compiles");
    const elf = readElf(readBytes(out));
    assert.equal(elf.classification.linkage, "static");
    assert.equal(elf.classification.libc, "musl");
    assert.deepEqual(elf.imports, []);
    const bare = readElf(withoutSectionHeaders(readBytes(out)));
    assert.equal(bare.classification.libc, "musl", "musl marker survives without section headers");
  });

  test("musl-gcc dynamic: musl by PT_INTERP", { skip: haveMusl ? false : "needs /usr/bin/musl-gcc" }, () => {
    const out = compile(tmp.dir, "musl-dyn", ["-O1"], "/usr/bin/musl-gcc");
    assert.ok(out, "musl-gcc compiles");
    const elf = readElf(readBytes(out));
    assert.equal(elf.classification.linkage, "dynamic");
    assert.equal(elf.classification.libc, "musl");
    assert.match(elf.interp ?? "", /ld-musl-/);
    const puts = findImport(elf, "puts");
    assert.ok(puts);
    assert.equal(puts.version, undefined);
  });

  test("shared library: soname, runpath, versioned exports", () => {
    const src = [
      '__asm__(".symver unifit_old, unifit_api@V1");',
      '__asm__(".symver unifit_new, unifit_api@@V2");',
      "int unifit_old(int x) { return x; }",
      "int unifit_new(int x) { return x + 1; }",
      "",
    ].join("\n");
    const { dir } = tmp;
    const map = `${dir}/lib.map`;
    writeFileSync(map, "V1 { global: unifit_api; local: *; };\nV2 { global: unifit_api; } V1;\n");
    const out = compile(dir, "libunifit.so", ["-shared", "-fPIC", "-Wl,-soname,libunifit.so.1", "-Wl,-rpath,/opt/a:/opt/b", "-Wl,--enable-new-dtags", `-Wl,--version-script=${map}`], "gcc", src);
    assert.ok(out, "shared library compiles");
    const elf = readElf(readBytes(out));
    assert.equal(elf.soname, "libunifit.so.1");
    assert.deepEqual(elf.runpath, ["/opt/a", "/opt/b"]);
    const api = elf.exports.filter((s) => s.name === "unifit_api").map((s) => s.version);
    assert.deepEqual(api, ["V1", "V2"]);
    const bare = readElf(withoutSectionHeaders(readBytes(out)));
    assert.deepEqual(bare.exports, elf.exports);
    assert.equal(bare.soname, "libunifit.so.1");
  });
});
