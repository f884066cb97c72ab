// @fileoverview Literal decoding: C string escapes, raw and concatenated strings, integer literals.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeInteger, decodeStringLiterals } from "../../src/source/literals.js";

describe("decodeStringLiterals", () => {
  it("decodes simple, octal, hex and universal escapes", () => {
    assert.equal(decodeStringLiterals('"a\\nb\\t\\\\\\"\\0"'), 'a\nb\t\\"\0');
    assert.equal(decodeStringLiterals('"\\101\\x42\\u00e9\\U0001F600"'), "AB\u00e9\u{1F600}");
    assert.equal(decodeStringLiterals('"\\q"'), "q");
  });

  it("joins concatenated pieces and ignores macros and comments between them", () => {
    assert.equal(decodeStringLiterals('"/proc/" "self" /* x "y" */ "/status"'), "/proc/self/status");
    assert.equal(decodeStringLiterals('"%" PRIu64 "\\n"'), "%\n");
  });

  it("handles prefixes and raw strings", () => {
    assert.equal(decodeStringLiterals('L"wide"'), "wide");
    assert.equal(decodeStringLiterals('u8"utf8"'), "utf8");
    assert.equal(decodeStringLiterals('R"(/proc/"x"\\n)"'), '/proc/"x"\\n');
    assert.equal(decodeStringLiterals('R"d(a)"b)d"'), 'a)"b');
  });
});

describe("decodeInteger", () => {
  it("reads decimal, hex, octal and binary literals with suffixes and separators", () => {
    assert.equal(decodeInteger("42"), 42);
    assert.equal(decodeInteger("0x2A"), 42);
    assert.equal(decodeInteger("052"), 42);
    assert.equal(decodeInteger("0b101010"), 42);
    assert.equal(decodeInteger("1'000'000"), 1000000);
    assert.equal(decodeInteger("42ULL"), 42);
    assert.equal(decodeInteger("0"), 0);
    assert.equal(decodeInteger("-7"), -7);
  });

  it("refuses floats, characters and unsafe values", () => {
    assert.equal(decodeInteger("1.5"), undefined);
    assert.equal(decodeInteger("1e5"), undefined);
    assert.equal(decodeInteger("'a'"), undefined);
    assert.equal(decodeInteger("0xffffffffffffffff"), undefined);
  });
});
