// @fileoverview The .debug_line reader against addr2line (the oracle): a three-file C program (the source-calls tree
// fixture) built with DWARF 5 and DWARF 4, at -O0 and -O2; every function start and every call instruction that
// objdump lists is looked up both ways, the column against llvm-addr2line's, and linesAt (one pass, no table kept)
// against lineAt. A build without -g has no table.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, describe, it } from "node:test";
import { inFile, lineAt, linesAt, readLineTable } from "../../src/elf/dwarf-line.js";
import { readElf } from "../../src/elf/index.js";
import { fixture } from "../helpers/paths.js";

const dir = mkdtempSync(join(tmpdir(), "unifit-dwarf-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const sources = ["main.c", "spawn.c", "ops.c"].map((n) => fixture("source-calls", "tree", n));

function build(name: string, flags: string[]): string {
  const out = join(dir, name);
  execFileSync("gcc", [...flags, "-w", "-o", out, ...sources]);
  return out;
}

/** Function starts and call instructions, as objdump -d lists them. */
function addresses(bin: string): number[] {
  const text = execFileSync("objdump", ["-d", "--no-show-raw-insn", bin], { encoding: "utf8", maxBuffer: 64 << 20 });
  const out = new Set<number>();
  for (const l of text.split("\n")) {
    const f = /^([0-9a-f]+) <[^>]+>:$/.exec(l);
    if (f !== null) out.add(parseInt(f[1] as string, 16));
    const c = /^\s+([0-9a-f]+):\s+call/.exec(l);
    if (c !== null) out.add(parseInt(c[1] as string, 16));
  }
  return [...out].sort((a, b) => a - b);
}

/** addr2line's answer per address: "file:line" with the file's base name, or undefined for "??". */
function oracle(bin: string, addrs: number[]): (string | undefined)[] {
  const text = execFileSync("addr2line", ["-e", bin, ...addrs.map((a) => `0x${a.toString(16)}`)], { encoding: "utf8" });
  return text.trimEnd().split("\n").map((l) => {
    const m = /^(.*):(\d+)(?: \(discriminator \d+\))?$/.exec(l);
    return m === null || m[1] === "??" || m[2] === "0" ? undefined : `${basename(m[1] as string)}:${m[2] as string}`;
  });
}

/** llvm-addr2line's column per address (its LLVM style prints file:line:column), or undefined when it has none. */
function columns(bin: string, addrs: number[]): (number | undefined)[] {
  const text = execFileSync("llvm-addr2line", ["--output-style=LLVM", "-e", bin, ...addrs.map((a) => `0x${a.toString(16)}`)], { encoding: "utf8" });
  return text.split("\n\n").filter((b) => b.trim() !== "").map((b) => {
    const m = /:\d+:(\d+)$/.exec(b.trim().split("\n")[0] as string);
    return m === null || m[1] === "0" ? undefined : Number(m[1]);
  });
}

describe("DWARF line table (.debug_line) against addr2line", () => {
  for (const [name, flags] of [
    ["dwarf5-O0", ["-g", "-gdwarf-5", "-O0"]],
    ["dwarf5-O2", ["-g", "-gdwarf-5", "-O2"]],
    ["dwarf4-O0", ["-g", "-gdwarf-4", "-O0"]],
    ["dwarf4-O2", ["-g", "-gdwarf-4", "-O2"]],
  ] as const) {
    it(`${name}: every function start and call site maps to addr2line's file:line`, () => {
      const bin = build(name, [...flags]);
      const bytes = readFileSync(bin);
      const table = readLineTable(readElf(bytes), bytes);
      assert.ok(table !== undefined, "no .debug_line read");
      assert.deepEqual(table.warnings, []);
      const addrs = addresses(bin);
      const want = oracle(bin, addrs);
      let mapped = 0;
      addrs.forEach((a, i) => {
        const row = lineAt(table, a);
        const got = row === undefined || row.line === 0 ? undefined : `${basename(row.file)}:${row.line}`;
        assert.equal(got, want[i], `0x${a.toString(16)}`);
        if (got !== undefined) mapped++;
      });
      // The program's own code is mapped (the rest is the C runtime's, built without -g).
      assert.ok(mapped >= 20, `${mapped} of ${addrs.length} addresses mapped`);
      const cols = columns(bin, addrs);
      assert.equal(cols.length, addrs.length);
      let withColumn = 0;
      addrs.forEach((a, i) => {
        const row = lineAt(table, a);
        if (row === undefined || row.line === 0) return;
        assert.equal(row.column > 0 ? row.column : undefined, cols[i], `column at 0x${a.toString(16)}`);
        if (row.column > 0) withColumn++;
      });
      assert.ok(withColumn >= 20, `${withColumn} addresses with a column`);
      // One pass for a few addresses answers as the whole table does.
      const some = linesAt(readElf(bytes), inFile(bytes), addrs);
      assert.ok(some !== undefined);
      assert.deepEqual(some.warnings, []);
      for (const a of addrs) assert.deepEqual(some.rows.get(a), lineAt(table, a), `0x${a.toString(16)}`);
      const files = new Set(addrs.map((a) => lineAt(table, a)?.file).filter((f) => f !== undefined).map((f) => basename(f)));
      assert.deepEqual([...files].sort(), ["main.c", "ops.c", "spawn.c"]);
    });
  }

  it("a build without -g has no line table", () => {
    const bin = build("nodebug", ["-O2"]);
    const bytes = readFileSync(bin);
    assert.equal(readLineTable(readElf(bytes), bytes), undefined);
    assert.equal(linesAt(readElf(bytes), inFile(bytes), [0x1000]), undefined);
  });

  it("a table over the size limit is a warning, not read", () => {
    const bin = build("limit", ["-g", "-O0"]);
    const bytes = readFileSync(bin);
    const got = linesAt(readElf(bytes), inFile(bytes), addresses(bin), 16);
    assert.ok(got !== undefined);
    assert.equal(got.rows.size, 0);
    assert.match(got.warnings.join("\n"), /^\.debug_line is \d+ bytes, over the 16-byte limit: not read$/);
  });
});
