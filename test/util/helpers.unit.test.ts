// @fileoverview The one-definition helpers of src/util: hex, the comparators and clone's flags, each against the
// values the report and the kernel headers use.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CLONE_NR, CLONE_THREAD, cloneFlags, cloneMode } from "../../src/util/clone.js";
import { byKey, byName, byPath, compareNumbers, compareOptional, compareStrings } from "../../src/util/compare.js";
import { hex } from "../../src/util/hex.js";

describe("hex", () => {
  it("writes 0x and lower-case digits, unpadded", () => {
    assert.equal(hex(0), "0x0");
    assert.equal(hex(0x401136), "0x401136");
    assert.equal(hex(0xdeadbeef), "0xdeadbeef");
    assert.equal(hex(2 ** 40 + 0xab), "0x100000000ab");
  });
});

describe("comparators", () => {
  it("compareStrings orders by code unit, not by locale (upper case before lower, '_' after letters' upper case)", () => {
    assert.deepEqual(["b", "B", "a", "_x", "A"].sort(compareStrings), ["A", "B", "_x", "a", "b"]);
    assert.equal(compareStrings("x", "x"), 0);
    assert.equal(compareStrings("a", "b"), -1);
    assert.equal(compareStrings("b", "a"), 1);
  });
  it("compareNumbers sorts numerically where the default sort would not", () => {
    assert.deepEqual([10, 9, 100, 1].sort(compareNumbers), [1, 9, 10, 100]);
    assert.deepEqual([10, 9, 100, 1].sort(), [1, 10, 100, 9]);
  });
  it("byPath and byName compare the field; equal records compare 0", () => {
    assert.deepEqual([{ path: "b/x" }, { path: "a/y" }, { path: "a" }].sort(byPath).map((x) => x.path), ["a", "a/y", "b/x"]);
    assert.deepEqual([{ name: "osv" }, { name: "gvisor" }, { name: "nanos" }].sort(byName).map((x) => x.name), ["gvisor", "nanos", "osv"]);
    assert.equal(byPath({ path: "p" }, { path: "p" }), 0);
  });
  it("byKey orders map entries by string or numeric key", () => {
    assert.deepEqual([...new Map([["b", 1], ["a", 2]])].sort(byKey), [["a", 2], ["b", 1]]);
    assert.deepEqual([...new Map([[10, "x"], [9, "y"]])].sort(byKey), [[9, "y"], [10, "x"]]);
  });
  it("compareOptional puts an absent value first", () => {
    // (Array.prototype.sort moves undefined to the end without asking the comparator: compare directly.)
    assert.equal(compareOptional(undefined, "process"), -1);
    assert.equal(compareOptional("process", undefined), 1);
    assert.equal(compareOptional(undefined, undefined), 0);
    assert.equal(compareOptional("process", "thread"), -1);
  });
});

describe("clone flags", () => {
  it("CLONE_THREAD decides the mode (linux include/uapi/linux/sched.h)", () => {
    assert.equal(CLONE_THREAD, 0x10000);
    // glibc fork: CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD; pthread_create: CLONE_VM|...|CLONE_THREAD|...
    assert.equal(cloneMode(0x1200011), "process");
    assert.equal(cloneMode(0x3d0f00), "thread");
  });
  it("reads flags as text, the exit signal last", () => {
    assert.equal(cloneFlags(0x1200011), "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD");
    assert.equal(cloneFlags(0x3d0f00), "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID");
    assert.equal(cloneFlags(0x80000000 | 9), "CLONE_IO|signal 9");
    assert.equal(cloneFlags(0), "0");
  });
  it("knows clone's number on each architecture", () => {
    assert.deepEqual(CLONE_NR, { x86_64: 56, aarch64: 220 });
  });
});
