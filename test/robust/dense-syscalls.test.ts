// @fileoverview Syscall-number resolution on a real program dense with syscall sites (issue 15), through the CLI: a Go
// program whose .text is overwritten by 256 KiB of `syscall` instructions is reported within its budget, and the
// untouched program beside it is reported in full. The resolver's own bound is in dense-syscalls.unit.test.ts.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { compileGo } from "../helpers/compile.js";
import { CRASH, reportsByPath, runMeasured } from "./measure.js";

describe("a Go program with 256 KiB of syscall instructions in its .text, through the CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "unifit-dense-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("is reported within its budget, and the program beside it in full", () => {
    const src = join(dir, "hello.go");
    writeFileSync(src, 'package main\nimport "fmt"\nfunc main() { fmt.Println("hello") }\n');
    const built = compileGo(src);
    const good = join(dir, "good");
    const dense = join(dir, "dense");
    copyFileSync(built, good);
    // The .text's file offset and size, from readelf: its second quarter onwards is overwritten with 0f 05.
    const line = execFileSync("readelf", ["-SW", built], { encoding: "utf8" }).split("\n").find((l) => /\s\.text\s/.test(l)) as string;
    const [offset, size] = (line.split("]")[1] as string).trim().split(/\s+/).slice(3, 5).map((h) => parseInt(h, 16)) as [number, number];
    assert.ok(size > 2 * 262144, `.text is ${size} bytes`);
    const bytes = readFileSync(built);
    const start = offset + Math.floor(size / 4);
    for (let i = start; i < start + 262144; i += 2) bytes.set([0x0f, 0x05], i);
    writeFileSync(dense, bytes);

    const both = runMeasured(["scan", dir, "-f", "json", "-q", "--no-cache", "--file-timeout", "300"]);
    assert.ok(both.code === 0 || both.code === 1, `exit ${both.code}: ${both.stderr}`);
    assert.doesNotMatch(both.stderr, CRASH);
    assert.ok(both.peakMb < 1024, `peak ${both.peakMb} MB`);
    const reports = reportsByPath(both.stdout);
    const d = JSON.parse(reports.get(dense) as string) as { binary: { arch: string } };
    assert.equal(d.binary.arch, "x86_64");
    assert.match(both.stdout, /"errors":\[\]/);
    const alone = runMeasured(["scan", good, "-f", "json", "-q", "--no-cache"]);
    assert.equal(reports.get(good), reportsByPath(alone.stdout).get(good), "the good program's report is the one it has alone");
  });
});
