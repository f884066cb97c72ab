// @fileoverview Language markers in classify(): the Go toolchain version from Go's build info blob (inline strings of
// Go >= 1.18 and the older pointer format) and the Rust heuristic, on real Debian binaries (shfmt: static Go 1.19;
// ripgrep's rg: Rust, dynamically linked against glibc; busybox-static: C), a gcc-built C program, and synthetic
// blobs (old format, malformed input that must not throw). Real binaries come from test/setup/prepare.sh; without
// the package cache those tests are skipped.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { classify, GO_BUILDINFO_MAGIC, readGoVersion } from "../../src/elf/classify.js";
import type { ClassifyInput, GoImage } from "../../src/elf/classify.js";
import { readElf } from "../../src/elf/index.js";
import type { ElfFile, ElfSection, ElfSegment } from "../../src/elf/types.js";
import { compile } from "../helpers/compile.js";
import { debianBinary, ROOT } from "../helpers/paths.js";

const SHFMT = debianBinary("shfmt", "usr/bin/shfmt");
const RG = debianBinary("ripgrep", "usr/bin/rg");
const BUSYBOX = debianBinary("busybox-static", "bin/busybox");
const missing = (path: string): string | false => (existsSync(path) ? false : `${path} is missing (run test/setup/prepare.sh)`);

function load(path: string): { bytes: Uint8Array; elf: ElfFile; image: GoImage } {
  const bytes = readFileSync(path);
  const elf = readElf(bytes);
  return { bytes, elf, image: { bytes, segments: elf.segments, sections: elf.sections } };
}

/** A ClassifyInput for a parsed file, with the image, as readElf would build it. */
function inputOf(elf: ElfFile, bytes: Uint8Array): ClassifyInput {
  const has = (needle: string): boolean => Buffer.from(bytes).indexOf(Buffer.from(needle, "latin1")) >= 0;
  return {
    fileType: elf.fileType,
    entry: elf.entry,
    interp: elf.interp,
    hasDynamic: elf.segments.some((s) => s.type === 2),
    needed: elf.needed,
    dtFlags1: elf.dtFlags1,
    versionNeeds: elf.versionNeeds,
    sectionNames: new Set(elf.sections.map((s) => s.name)),
    symtabNames: new Set(elf.symtab.map((s) => s.name)),
    notes: [],
    hasSymtab: !elf.classification.stripped,
    sectionHeaders: elf.classification.sectionHeaders,
    fileContains: has,
    dataContains: has,
    image: { bytes, segments: elf.segments, sections: elf.sections },
  };
}

test("shfmt (static Go): goVersion go1.19.8 from the inline build info, not Rust", { skip: missing(SHFMT) }, (t) => {
  const { bytes, elf, image } = load(SHFMT);
  assert.equal(readGoVersion(image), "go1.19.8");
  const c = classify(inputOf(elf, bytes));
  assert.equal(c.goVersion, "go1.19.8");
  assert.equal(c.libc, "go");
  assert.equal(c.rust, false);
  assert.equal(elf.classification.rust, false);
  // readElf fills goVersion once read-elf.ts passes `image` to classify().
  if (elf.classification.goVersion === undefined) t.todo("read-elf.ts does not pass the file image to classify() yet");
  else assert.equal(elf.classification.goVersion, "go1.19.8");
});

test("rg (Rust, dynamic glibc): rust, no goVersion", { skip: missing(RG) }, () => {
  const { bytes, elf, image } = load(RG);
  assert.equal(elf.classification.rust, true);
  assert.equal(elf.classification.libc, "glibc");
  assert.equal(elf.classification.goVersion, undefined);
  assert.equal(readGoVersion(image), undefined);
  assert.equal(classify(inputOf(elf, bytes)).goVersion, undefined);
});

test("busybox-static (C, static glibc): neither Go nor Rust", { skip: missing(BUSYBOX) }, () => {
  const { bytes, elf, image } = load(BUSYBOX);
  assert.equal(elf.classification.rust, false);
  assert.equal(readGoVersion(image), undefined);
  assert.equal(classify(inputOf(elf, bytes)).goVersion, undefined);
});

test("gcc-built C program: neither Go nor Rust", () => {
  const bin = compile(join(ROOT, "test", "oracle", "programs", "file-io.c"));
  const { bytes, elf, image } = load(bin);
  assert.equal(elf.classification.rust, false);
  assert.equal(elf.classification.goVersion, undefined);
  assert.equal(readGoVersion(image), undefined);
  const c = classify(inputOf(elf, bytes));
  assert.equal(c.rust, false);
  assert.equal(c.goVersion, undefined);
});

test("Rust markers: .rustc section, std symbols, std strings", () => {
  const base: ClassifyInput = {
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
    sectionHeaders: true,
    fileContains: () => false,
    dataContains: () => false,
  };
  assert.equal(classify(base).rust, false);
  assert.equal(classify({ ...base, sectionNames: new Set([".rustc"]) }).rust, true);
  assert.equal(classify({ ...base, symtabNames: new Set(["__rust_alloc"]) }).rust, true);
  assert.equal(classify({ ...base, symtabNames: new Set(["rust_panic"]) }).rust, true);
  assert.equal(classify({ ...base, fileContains: (s) => s === "/rustc/" }).rust, true);
  assert.equal(classify({ ...base, fileContains: (s) => s === "__rust_begin_short_backtrace" }).rust, true);
  assert.equal(classify(base).goVersion, undefined);
});

// Synthetic images: one writable PT_LOAD at vaddr 0x10000, file offset 0, holding the blob.
const VADDR = 0x10000;
function imageOf(data: Uint8Array, extra: Partial<ElfSegment> = {}): GoImage {
  const seg: ElfSegment = { type: 1, offset: 0, vaddr: VADDR, filesz: data.length, memsz: data.length, flags: 6, ...extra };
  return { bytes: data, segments: [seg], sections: [] as ElfSection[] };
}
function header(ptrSize: number, flags: number): Buffer {
  const h = Buffer.alloc(32);
  h.write(GO_BUILDINFO_MAGIC, 0, "latin1");
  h[14] = ptrSize;
  h[15] = flags;
  return h;
}

test("old pointer format (before Go 1.18), little and big endian, 8- and 4-byte pointers", () => {
  for (const [ptrSize, big] of [[8, false], [8, true], [4, false], [4, true]] as const) {
    const buf = Buffer.alloc(128);
    header(ptrSize, big ? 1 : 0).copy(buf, 0);
    const put = (off: number, v: number): void => {
      if (ptrSize === 8 && big) buf.writeBigUInt64BE(BigInt(v), off);
      else if (ptrSize === 8) buf.writeBigUInt64LE(BigInt(v), off);
      else if (big) buf.writeUInt32BE(v, off);
      else buf.writeUInt32LE(v, off);
    };
    put(16, VADDR + 64); // -> string header
    put(64, VADDR + 96); // data
    put(64 + ptrSize, 9); // len
    buf.write("go1.16.15", 96, "latin1");
    assert.equal(readGoVersion(imageOf(buf)), "go1.16.15", `ptr ${ptrSize} big ${big}`);
  }
});

test("inline format, with a misaligned copy of the magic before the real blob", () => {
  const buf = Buffer.alloc(96);
  buf.write(GO_BUILDINFO_MAGIC, 1, "latin1"); // not on a 16-byte boundary: skipped
  header(8, 2).copy(buf, 32);
  buf[64] = 8;
  buf.write("go1.21.0", 65, "latin1");
  assert.equal(readGoVersion(imageOf(buf)), "go1.21.0");
});

test("malformed build info never throws and gives no version", () => {
  const cases: Buffer[] = [];
  // Truncated header.
  cases.push(Buffer.from(GO_BUILDINFO_MAGIC, "latin1"));
  // Inline: length past the end; huge varint; non-printable bytes; empty string.
  for (const tail of [[0x7f, 0x67, 0x6f], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [3, 0x67, 0x00, 0x6f], [0]]) {
    cases.push(Buffer.concat([header(8, 2), Buffer.from(tail)]));
  }
  // Pointer format: bad pointer size; pointer outside every segment; length too large; data past the end.
  cases.push(Buffer.concat([header(3, 0), Buffer.alloc(32)]));
  {
    const b = Buffer.concat([header(8, 0), Buffer.alloc(64)]);
    b.writeBigUInt64LE(0xdead0000n, 16);
    cases.push(b);
  }
  {
    const b = Buffer.concat([header(8, 0), Buffer.alloc(64)]);
    b.writeBigUInt64LE(BigInt(VADDR + 32), 16);
    b.writeBigUInt64LE(BigInt(VADDR + 48), 32);
    b.writeBigUInt64LE(0xffffffffffffffffn, 40);
    cases.push(b);
  }
  {
    const b = Buffer.concat([header(8, 0), Buffer.alloc(64)]);
    b.writeBigUInt64LE(BigInt(VADDR + 32), 16);
    b.writeBigUInt64LE(BigInt(VADDR + 90), 32);
    b.writeBigUInt64LE(50n, 40);
    cases.push(b);
  }
  for (const [i, b] of cases.entries()) {
    assert.equal(readGoVersion(imageOf(b)), undefined, `case ${i}`);
    // A segment that claims more than the file holds, and none at all.
    assert.equal(readGoVersion(imageOf(b, { filesz: 1 << 30, offset: 5 })), undefined, `case ${i} (oversized segment)`);
    assert.equal(readGoVersion({ bytes: b, segments: [], sections: [] }), undefined, `case ${i} (no segments)`);
  }
});
