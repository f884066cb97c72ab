// @fileoverview ByteReader: bounds checks throw ElfParseError with the offset; endian and class handling.

import assert from "node:assert/strict";
import { test } from "node:test";
import { ElfParseError } from "../../src/elf/errors.js";
import { ByteReader, MAX_STRING } from "../../src/elf/reader.js";

test("reads little- and big-endian integers", () => {
  const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  const le = new ByteReader(bytes, true, 64);
  const be = new ByteReader(bytes, false, 32);
  assert.equal(le.u16(0), 0x0201);
  assert.equal(be.u16(0), 0x0102);
  assert.equal(le.u32(0), 0x04030201);
  assert.equal(be.u32(4), 0x05060708);
  assert.equal(le.u64(0), Number(0x0807060504030201n)); // above 2^53: rounded as the doc comment says
  assert.equal(le.word(0), le.u64(0));
  assert.equal(be.word(0), be.u32(0));
});

test("out-of-range reads throw ElfParseError carrying the offset", () => {
  const r = new ByteReader(new Uint8Array(8), true, 64);
  for (const [fn, off] of [
    [() => r.u32(6), 6],
    [() => r.u64(1), 1],
    [() => r.u8(8), 8],
    [() => r.slice(4, 5), 4],
  ] as const) {
    assert.throws(fn, (err: unknown) => err instanceof ElfParseError && err.offset === off);
  }
  assert.throws(() => r.u8(-1), ElfParseError);
  assert.throws(() => r.u16(Number.NaN), ElfParseError);
  assert.throws(() => r.u16(2 ** 60), ElfParseError);
  assert.equal(r.inBounds(0, 8), true);
  assert.equal(r.inBounds(1, 8), false);
});

test("cstring stops at NUL, at the table end, or after MAX_STRING bytes", () => {
  const bytes = new TextEncoder().encode("abc\0defg");
  const r = new ByteReader(bytes, true, 32);
  assert.equal(r.cstring(0), "abc");
  assert.equal(r.cstring(4), "defg");
  assert.equal(r.cstring(4, 6), "de");
  assert.throws(() => r.cstring(8), ElfParseError);
  const long = new ByteReader(new Uint8Array(MAX_STRING * 2).fill(0x41), true, 32);
  assert.equal(long.cstring(0).length, MAX_STRING);
});
