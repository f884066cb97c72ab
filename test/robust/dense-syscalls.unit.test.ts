// @fileoverview Syscall-number resolution stays linear in the code however dense its syscall sites are (issue 15): on
// hand-assembled x86-64 the resolver decodes a bounded number of instructions per instruction of code (the old one
// decoded each run and function prefix once per site: quadratic) and still resolves what it resolved before.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { scanX86 } from "../../src/disasm/x86.js";

const BASE = 0x401000;
const options = { functionStarts: [BASE], wrappers: new Map<number, string>() };

describe("x86-64 resolution on code dense with syscall sites", () => {
  it("one run of 32,768 syscall instructions: linear, and the first 4 KiB resolved", () => {
    // mov eax, 39; then syscall, syscall, ... (the kernel keeps rax's number only until it returns; the resolver
    // takes the run's last write, as it does for any site).
    const bytes = new Uint8Array(5 + 65536);
    bytes.set([0xb8, 0x27, 0x00, 0x00, 0x00]);
    for (let i = 5; i < bytes.length; i += 2) bytes.set([0x0f, 0x05], i);
    const scan = scanX86([{ vaddr: BASE, bytes }], options);
    assert.equal(scan.sites.length, 32768);
    assert.deepEqual({ nr: scan.sites[0]?.nr, how: scan.sites[0]?.how }, { nr: 39, how: "immediate" });
    // A run longer than 4 KiB is not followed (MAX_RUN_BYTES): sites past it stay unresolved, as before.
    const within = scan.sites.filter((s) => s.addr - BASE <= 4096);
    assert.equal(within.length, 2046);
    assert.deepEqual(scan.sites.map((s) => s.nr === 39), scan.sites.map((s) => s.addr - BASE <= 4096));
    assert.ok((scan.resolveDecodes ?? Infinity) <= 2 * scan.instructions, `${scan.resolveDecodes} decodes for ${scan.instructions} instructions`);
  });

  it("1,500 runs that each take the number from the function's prefix (hoisted): linear, all resolved", () => {
    // mov ebx, 39; then 1,500 times: call next; mov eax, ebx; syscall. Each call ends a run; rbx is callee-saved, so
    // each site's number is the one written before the first call.
    const block = [0xe8, 0x00, 0x00, 0x00, 0x00, 0x89, 0xd8, 0x0f, 0x05];
    const bytes = new Uint8Array(5 + block.length * 1500);
    bytes.set([0xbb, 0x27, 0x00, 0x00, 0x00]);
    for (let k = 0; k < 1500; k++) bytes.set(block, 5 + k * block.length);
    const scan = scanX86([{ vaddr: BASE, bytes }], options);
    assert.equal(scan.sites.length, 1500);
    assert.deepEqual(new Set(scan.sites.map((s) => `${s.nr} ${s.how}`)), new Set(["39 hoisted"]));
    assert.ok((scan.resolveDecodes ?? Infinity) <= 3 * scan.instructions, `${scan.resolveDecodes} decodes for ${scan.instructions} instructions`);
  });
});
