// @fileoverview A file over the large-file threshold is read sparsely: its non-allocated debugging sections are not
// read (they take no memory), and the rest is analysed as before. The sample with 70 MB of .debug_junk added (by
// objcopy) holding "/rustc/", a string that marks a file as Rust wherever the scan reads it, gets the sample's own
// report: had the section been read, the program would be called Rust.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Report } from "../../src/index.js";
import { LARGE } from "../../src/scan/scan.js";
import { fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "unifit-large-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const sample = fixture("sample", "prefork-server");
const junk = Buffer.alloc(LARGE + 6 * 1024 * 1024);
junk.write("/rustc/0123456789abcdef/library/std/src/rt.rs\0", 1024 * 1024);
writeFileSync(join(dir, "junk"), junk);
const big = join(dir, "big-server");
execFileSync("objcopy", ["--add-section", `.debug_junk=${join(dir, "junk")}`, sample, big]);

const scan = (path: string): Report => JSON.parse(runCli(["scan", path, "-t", "nanos", "--no-libraries", "-f", "json"]).stdout) as Report;

describe("a file over the large-file threshold", () => {
  it("is analysed as the same program without its debugging section", () => {
    const a = scan(sample).files[0];
    const b = scan(big).files[0];
    assert.ok(a !== undefined && b !== undefined);
    assert.equal(b.binary?.rust, false);
    assert.deepEqual({ ...b, path: "" }, { ...a, path: "" });
  });
});
