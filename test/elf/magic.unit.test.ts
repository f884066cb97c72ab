// @fileoverview The ELF magic check: the four bytes and nothing else, on real files and on near misses.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { isElfMagic } from "../../src/elf/magic.js";

describe("isElfMagic", () => {
  it("is true for a real ELF file (this machine's node) and false for a text file", () => {
    assert.equal(isElfMagic(readFileSync(process.execPath).subarray(0, 64)), true);
    assert.equal(isElfMagic(readFileSync(new URL(import.meta.url))), false);
  });
  it("needs all four bytes", () => {
    assert.equal(isElfMagic(Buffer.from([0x7f, 0x45, 0x4c, 0x46])), true);
    assert.equal(isElfMagic(Buffer.from([0x7f, 0x45, 0x4c])), false);
    assert.equal(isElfMagic(Buffer.from([0x7f, 0x45, 0x4c, 0x47])), false);
    assert.equal(isElfMagic(new Uint8Array(0)), false);
    assert.equal(isElfMagic(undefined), false);
  });
});
