// @fileoverview readElf on hand-built ELF32/ELF64, big/little-endian files with no section headers (PT_DYNAMIC path, DT_HASH and DT_GNU_HASH sizing).

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ElfParseError, readElf } from "../../src/elf/index.js";
import { buildElf } from "./elf-builder.js";

const layouts = [
  { bits: 32, little: false },
  { bits: 32, little: true },
  { bits: 64, little: false },
  { bits: 64, little: true },
] as const;

describe("hand-built ELF files", () => {
  for (const { bits, little } of layouts) {
    for (const hash of ["sysv", "gnu"] as const) {
      test(`ELF${bits} ${little ? "little" : "big"}-endian, ${hash} hash`, () => {
        const { bytes } = buildElf({ bits, little, hash });
        const elf = readElf(bytes);
        assert.equal(elf.bits, bits);
        assert.equal(elf.endian, little ? "little" : "big");
        assert.equal(elf.machine, "other");
        assert.equal(elf.machineCode, bits === 64 ? 21 : 20);
        assert.equal(elf.fileType, 2);
        assert.deepEqual(
          elf.segments.map((s) => s.type),
          [1, 3, 2, 0x6474e551],
        );
        assert.deepEqual(elf.sections, []);
        assert.equal(elf.interp, "/lib/ld.so.1");
        assert.deepEqual(elf.needed, ["libc.so.6", "libfoo.so"]);
        assert.deepEqual(elf.runpath, ["/opt/lib", "/usr/local/lib"]);
        assert.deepEqual(elf.rpath, []);
        assert.deepEqual(elf.imports, [
          { name: "puts", version: "GLIBC_2.0", library: "libc.so.6", kind: "func", binding: "global", value: 0, size: 0, undefined: true },
        ]);
        assert.deepEqual(
          elf.exports.map((s) => [s.name, s.version, s.undefined, s.size]),
          [["foo_api", undefined, false, 4]],
        );
        assert.deepEqual(elf.versionNeeds, [{ file: "libc.so.6", versions: ["GLIBC_2.0"] }]);
        assert.equal(elf.execStack, false);
        assert.equal(elf.tls, false);
        assert.deepEqual(elf.classification, {
          linkage: "dynamic",
          pie: false,
          libc: "glibc",
          libcEvidence: "DT_NEEDED libc.so.6",
          stripped: true,
          sectionHeaders: false,
          rust: false,
        });
        assert.deepEqual(elf.warnings, []);
      });
    }
  }

  test("ld-musl interpreter decides musl", () => {
    const elf = readElf(buildElf({ bits: 64, little: true, interp: "/lib/ld-musl-x86_64.so.1", machine: 62 }).bytes);
    assert.equal(elf.machine, "x86_64");
    assert.equal(elf.classification.libc, "musl");
    assert.equal(elf.classification.libcEvidence, "PT_INTERP /lib/ld-musl-x86_64.so.1");
  });

  test("no hash table: the DT_SYMTAB size cannot be known, symbols dropped with a warning", () => {
    const elf = readElf(buildElf({ bits: 32, little: false, hash: "none" }).bytes);
    assert.deepEqual(elf.needed, ["libc.so.6", "libfoo.so"]);
    assert.deepEqual(elf.imports, []);
    assert.match(elf.warnings.join("\n"), /DT_SYMTAB: no usable hash table/);
  });

  test("DT_STRTAB outside every PT_LOAD: no dynamic names, a warning, no throw", () => {
    const elf = readElf(buildElf({ bits: 32, little: false, strtabAddr: 0x7fff0000 }).bytes);
    assert.deepEqual(elf.needed, []);
    assert.match(elf.warnings.join("\n"), /DT_STRTAB 0x7fff0000 lies outside every PT_LOAD; no dynamic names/);
    assert.ok(elf.imports.every((s) => s.name !== ""), "nameless symbols are not reported");
  });

  test("truncated hand-built files never throw anything but ElfParseError", () => {
    for (const { bits, little } of layouts) {
      const { bytes } = buildElf({ bits, little, hash: "gnu" });
      for (let n = 0; n <= bytes.length; n++) {
        try {
          readElf(bytes.subarray(0, n));
        } catch (err) {
          assert.ok(err instanceof ElfParseError, `length ${n}: ${String(err)}`);
        }
      }
    }
  });
});
