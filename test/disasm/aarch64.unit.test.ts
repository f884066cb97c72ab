// @fileoverview The aarch64 decoder on hand-assembled words (encodings from aarch64-linux-gnu-as, shown beside each):
// how each syscall number is found, which calls and jumps become edges, address-taken code, calls through GOT slots,
// and which words may write a register (a value they might change is never trusted).

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { scanA64, writtenRegisters } from "../../src/disasm/aarch64.js";

const BASE = 0x400000;
const G = BASE + 0x78;
const region = (words: number[], vaddr = BASE) => {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  return { vaddr, bytes };
};

// f at BASE, g at BASE + 0x78; g is registered as a clone() entry (flags in x2).
const F = [
  0x52800808, // 00 mov w8, #64
  0xd4000001, // 04 svc #0                     → 64, immediate
  0xd2801ba8, // 08 mov x8, #0xdd
  0x72a00028, // 0c movk w8, #1, lsl #16
  0xd4000001, // 10 svc #0                     → 0x100dd, immediate
  0x3200f3e8, // 14 mov w8, #0x55555555 (orr w8, wzr, #bitmask)
  0xd4000001, // 18 svc #0                     → 0x55555555, immediate
  0x52800bb3, // 1c mov w19, #93
  0xd2800220, // 20 mov x0, #17
  0x94000015, // 24 bl g                       → clone, flags unknown (x2 not set)
  0xaa1303e8, // 28 mov x8, x19
  0xd4000001, // 2c svc #0                     → 93, hoisted (x19 survives the call)
  0xf90007e8, // 30 str x8, [sp, #8]
  0xa94127e8, // 34 ldp x8, x9, [sp, #16]
  0xd4000001, // 38 svc #0                     → unresolved (ldp wrote x8)
  0x528007e8, // 3c mov w8, #63
  0xf90007e8, // 40 str x8, [sp, #8]           (a store writes no register)
  0xd4000001, // 44 svc #0                     → 63, immediate
  0xd2800220, // 48 mov x0, #17
  0xd2800222, // 4c mov x2, #17
  0x9400000a, // 50 bl g                       → clone, flags 17 (SIGCHLD: a process)
  0x90000001, // 54 adrp x1, BASE
  0x9101e021, // 58 add x1, x1, #0x78          → g's address taken
  0x90000010, // 5c adrp x16, BASE
  0xf9400611, // 60 ldr x17, [x16, #8]
  0xd63f0220, // 64 blr x17                    → a call through the slot BASE + 8
  0xb4fffcc0, // 68 cbz x0, f
  0x54fffca1, // 6c b.ne f
  0x361ffc80, // 70 tbz w0, #3, f
  0xd65f03c0, // 74 ret
  0xd65f03c0, // 78 g: ret
];

describe("aarch64 decoder", () => {
  const scan = scanA64([region(F)], { functionStarts: [BASE, G], wrappers: new Map([[G, "clone-rdx"]]) });

  it("finds every svc and resolves x8 by immediate, movk, bitmask, copy of a hoisted register", () => {
    assert.deepEqual(
      scan.sites.map((s) => [s.addr - BASE, s.kind, s.nr, s.how, s.arg0]),
      [
        [0x04, "svc", 64, "immediate", undefined],
        [0x10, "svc", 0x100dd, "immediate", undefined],
        [0x18, "svc", 0x55555555, "immediate", undefined],
        [0x24, "wrapper", 220, "immediate", undefined],
        [0x2c, "svc", 93, "hoisted", undefined],
        [0x38, "svc", null, "unresolved", undefined],
        [0x44, "svc", 63, "immediate", undefined],
        [0x50, "wrapper", 220, "immediate", 17],
      ],
    );
  });

  it("direct calls and jumps are edges; conditional branches too", () => {
    const edges = [...scan.edgeFrom].map((from, i) => [from - BASE, (scan.edgeTo[i] as number) - BASE, scan.edgeCall[i]]);
    assert.deepEqual(edges, [
      [0x24, 0x78, 1],
      [0x50, 0x78, 1],
      [0x68, 0, 0],
      [0x6c, 0, 0],
      [0x70, 0, 0],
    ]);
  });

  it("adrp + add of a code address is address-taken; ldr from an adrp page + blr is a slot call", () => {
    assert.deepEqual([...scan.addressTaken], [G]);
    assert.deepEqual([...scan.addressFrom], [BASE + 0x58]);
    assert.deepEqual(scan.slotFrom, [BASE + 0x64]);
    assert.deepEqual(scan.slotAddr, [BASE + 8]);
    assert.deepEqual(scan.slotCall, [true]);
    assert.deepEqual(scan.indirect, []);
    assert.equal(scan.instructions, F.length);
    assert.equal(scan.invalid, 0);
  });

  it("a call through a wrapper's GOT slot reads the number from x0", () => {
    const s = scanA64(
      [region([0xd2800220 /* mov x0, #17 */, 0x90000010 /* adrp x16, BASE */, 0xf9400611 /* ldr x17, [x16, #8] */, 0xd63f0220 /* blr x17 */])],
      { functionStarts: [BASE], wrappers: new Map(), wrapperSlots: new Map([[BASE + 8, "rdi"]]) },
    );
    assert.deepEqual(s.sites.map((x) => [x.addr - BASE, x.kind, x.nr, x.how]), [[0x0c, "wrapper", 17, "immediate"]]);
  });

  it("values do not cross a function start", () => {
    const s = scanA64([region([0x52800808 /* mov w8, #64 */, 0xd4000001 /* svc */])], { functionStarts: [BASE, BASE + 4], wrappers: new Map() });
    assert.deepEqual(s.sites.map((x) => x.nr), [null]);
  });

  it("zero words are padding; other udf words and a tail shorter than a word are not code; nothing throws on garbage", () => {
    const s = scanA64([region([0x00000000, 0x00001234]), { vaddr: BASE + 0x100, bytes: new Uint8Array(6) }], { functionStarts: [], wrappers: new Map() });
    assert.equal(s.invalid, 4 + 2);
    let seed = 7;
    const words = Array.from({ length: 20000 }, () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0));
    const g = scanA64([region(words, BASE + 2)], { functionStarts: [BASE + 0x40], wrappers: new Map([[BASE, "rdi"]]) });
    assert.equal(g.instructions, words.length - 1);
  });
});

describe("which registers a word may write", () => {
  const cases: [string, number, number[]][] = [
    ["str x8, [sp, #8]", 0xf90007e8, []],
    ["str x0, [x8, #16]! (writeback)", 0xf8010d00, [8]],
    ["ldr x8, [x1], #8 (post-index)", 0xf8408428, [1, 8]],
    ["ldp x8, x9, [sp, #16]", 0xa94127e8, [8, 9]],
    ["stxr w8, x1, [x2] (status register)", 0xc8087c41, [1, 2, 8]],
    ["ccmp x1, x2, #8, ne (flags only)", 0xfa421028, []],
    ["fmov x8, d1", 0x9e660028, [8]],
    ["mrs x8, tpidr_el0", 0xd53bd048, [8]],
    ["msr tpidr_el0, x8", 0xd51bd048, []],
    ["bl (link register)", 0x94000015, [30]],
    ["blr x17 (link register)", 0xd63f0220, [30]],
    ["svc #0", 0xd4000001, []],
    ["mov w19, #93", 0x52800bb3, [19]],
  ];
  for (const [text, word, regs] of cases) {
    it(text, () => {
      const m = writtenRegisters(word);
      assert.deepEqual(
        Array.from({ length: 31 }, (_, r) => r).filter((r) => (m & (1 << r)) !== 0),
        regs,
      );
    });
  }
});
