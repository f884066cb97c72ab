// @fileoverview RecycledBuffers: a buffer given back is handed out again (the smallest that fits), one that is too
// small or too large is not, and what is kept stays bounded.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecycledBuffers } from "../../src/util/recycled-buffers.js";

describe("RecycledBuffers", () => {
  it("hands a given-back buffer out again when it is large enough", () => {
    const r = new RecycledBuffers();
    const a = r.take(100_000);
    assert.ok(a.length >= 100_000);
    r.give(a);
    assert.equal(r.take(90_000), a);
    assert.equal(r.bytes, 0);
  });

  it("takes the smallest buffer that fits, and allocates when none does", () => {
    const r = new RecycledBuffers();
    const small = r.take(70_000);
    const large = r.take(1_000_000);
    r.give(large);
    r.give(small);
    assert.equal(r.take(small.length), small);
    const bigger = r.take(large.length + 1);
    assert.notEqual(bigger, large);
    assert.ok(bigger.length > large.length);
    assert.equal(r.take(10), large);
  });

  it("keeps no buffer over 64 MiB and at most 32 buffers", () => {
    const r = new RecycledBuffers();
    r.give(Buffer.allocUnsafeSlow(64 * 1024 * 1024 + 1));
    assert.equal(r.bytes, 0);
    for (let i = 0; i < 40; i++) r.give(Buffer.allocUnsafeSlow(1024));
    assert.equal(r.bytes, 32 * 1024);
  });
});
