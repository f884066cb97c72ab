// @fileoverview Malformed inputs: readElf either throws ElfParseError (file unusable) or returns with warnings; never another error, never hangs.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ElfParseError, readElf } from "../../src/elf/index.js";
import type { ElfFile } from "../../src/elf/index.js";
import {
  compile,
  findDynamicValueOffset,
  hasTool,
  makeTempDir,
  prng,
  readBytes,
  withPhoffBeyondEof,
  withShoffBeyondEof,
} from "./helpers.js";

const haveGcc = process.platform === "linux" && process.arch === "x64" && hasTool("gcc");

/** readElf's result, or the ElfParseError it threw; any other exception fails the test. */
function attempt(bytes: Uint8Array, label: string): ElfFile | ElfParseError {
  try {
    return readElf(bytes);
  } catch (err) {
    assert.ok(err instanceof ElfParseError, `${label}: threw ${String(err)}`);
    return err;
  }
}

describe("inputs that are not ELF at all", () => {
  const cases: Array<[string, Uint8Array]> = [
    ["zero bytes", new Uint8Array(0)],
    ["text file", new TextEncoder().encode("#!/bin/sh\necho hello\n")],
    ["ELF magic only", new Uint8Array([0x7f, 0x45, 0x4c, 0x46])],
    ["bad class", new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 3, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...new Array<number>(48).fill(0)])],
    ["bad byte order", new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...new Array<number>(48).fill(0)])],
    ["ident but truncated header", new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0])],
  ];
  for (const [label, bytes] of cases) {
    test(`${label} → ElfParseError`, () => {
      assert.throws(() => readElf(bytes), ElfParseError);
    });
  }

  test("ElfParseError carries the offset", () => {
    try {
      readElf(new TextEncoder().encode("not an elf file"));
      assert.fail("should throw");
    } catch (err) {
      assert.ok(err instanceof ElfParseError);
      assert.equal(err.offset, 0);
      assert.equal(err.name, "ElfParseError");
    }
  });
});

describe("damaged copies of a real binary", { skip: haveGcc ? false : "needs gcc on x86-64 Linux" }, () => {
  const tmp = makeTempDir();
  let good: Buffer = Buffer.alloc(0);
  let intact: ElfFile;

  before(() => {
    const out = compile(tmp.dir, "victim", ["-O1"]);
    assert.ok(out, "gcc compiles");
    good = readBytes(out);
    intact = readElf(good);
  });
  after(() => tmp.cleanup());

  test("truncated to 10 bytes → ElfParseError", () => {
    assert.throws(() => readElf(good.subarray(0, 10)), ElfParseError);
  });

  test("truncated to 64 bytes (header only) → ElfParseError", () => {
    assert.throws(() => readElf(good.subarray(0, 64)), ElfParseError);
  });

  test("truncated to half → degrades with warnings", () => {
    const r = attempt(good.subarray(0, Math.floor(good.length / 2)), "half");
    if (r instanceof ElfParseError) return;
    assert.ok(r.warnings.length > 0);
    assert.deepEqual(r.sections, []);
  });

  test("every truncation length → ElfParseError or a result", { timeout: 120_000 }, () => {
    const step = Math.max(1, Math.floor(good.length / 400));
    for (let n = 0; n <= good.length; n += step) attempt(good.subarray(0, n), `length ${n}`);
  });

  test("e_phoff beyond EOF → segments dropped, sections still used", () => {
    const r = readElf(withPhoffBeyondEof(good));
    assert.deepEqual(r.segments, []);
    assert.match(r.warnings.join("\n"), /program headers/);
    assert.ok(r.sections.length > 0);
    assert.deepEqual(r.needed, ["libc.so.6"], "dynamic table found through SHT_DYNAMIC");
    assert.equal(r.interp, undefined);
  });

  test("e_phoff and e_shoff beyond EOF → ElfParseError", () => {
    assert.throws(() => readElf(withShoffBeyondEof(withPhoffBeyondEof(good))), ElfParseError);
  });

  test("e_shoff beyond EOF → sections [], a warning, imports via PT_DYNAMIC", () => {
    const r = readElf(withShoffBeyondEof(good));
    assert.deepEqual(r.sections, []);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0] ?? "", /section headers: table at 0x[0-9a-f]+ .* lies outside/);
    assert.deepEqual(r.imports, intact.imports);
  });

  test("DT_STRTAB outside every PT_LOAD", () => {
    const at = findDynamicValueOffset(good, 5);
    assert.ok(at !== undefined, "DT_STRTAB found");
    const bad = Buffer.from(good);
    bad.writeBigUInt64LE(0x7fff0000n, at);
    // With section headers the linked .dynstr still names everything; the bad tag is reported.
    const withSections = readElf(bad);
    assert.deepEqual(withSections.needed, ["libc.so.6"]);
    assert.match(withSections.warnings.join("\n"), /DT_STRTAB 0x7fff0000 lies outside every PT_LOAD; using section \.dynstr/);
    // Without them there are no dynamic names at all.
    const bare = readElf(withShoffBeyondEof(bad));
    assert.deepEqual(bare.needed, []);
    assert.match(bare.warnings.join("\n"), /DT_STRTAB 0x7fff0000 lies outside every PT_LOAD; no dynamic names/);
    assert.ok(bare.imports.every((s) => s.name !== ""));
  });

  test("PT_DYNAMIC with no DT_NULL and huge DT_VERNEEDNUM stays bounded", () => {
    const at = findDynamicValueOffset(good, 0x6fffffff);
    assert.ok(at !== undefined, "DT_VERNEEDNUM found");
    const bad = withShoffBeyondEof(good);
    bad.writeBigUInt64LE(0xffffffffn, at);
    const r = attempt(bad, "verneednum");
    assert.ok(!(r instanceof ElfParseError));
    assert.deepEqual(r.versionNeeds, intact.versionNeeds);
  });

  test("random byte mutations → ElfParseError or a result", { timeout: 300_000 }, () => {
    const rand = prng(0x5eed);
    const headerEnd = 64 + 13 * 56;
    for (let i = 0; i < 400; i++) {
      const m = Buffer.from(good);
      const flips = 1 + Math.floor(rand() * 8);
      for (let f = 0; f < flips; f++) {
        // Bias mutations toward the headers and the dynamic tables, where they matter most.
        const pos = rand() < 0.6 ? Math.floor(rand() * headerEnd) : Math.floor(rand() * m.length);
        m[pos] = Math.floor(rand() * 256);
      }
      attempt(m, `mutant ${i}`);
      attempt(withShoffBeyondEof(m.subarray(0, Math.max(64, m.length))), `mutant ${i} without sections`);
    }
  });
});
