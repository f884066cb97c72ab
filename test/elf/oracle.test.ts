// @fileoverview Oracle: readElf's imports, exports and DT_NEEDED agree with `readelf --dyn-syms -W` and `readelf -d` on system binaries.

import assert from "node:assert/strict";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { describe, test } from "node:test";
import { readElf } from "../../src/elf/index.js";
import type { ElfSymbol } from "../../src/elf/index.js";
import { hasTool, run, withShoffBeyondEof } from "./helpers.js";

const haveReadelf = process.platform === "linux" && hasTool("readelf");
const CANDIDATES = ["/usr/bin/ls", "/usr/bin/bash", "/usr/bin/tar", "/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libz.so.1"];

interface OracleSymbols {
  imports: string[];
  exports: string[];
}

/** Parses `readelf --dyn-syms -W`: rows "Num: Value Size Type Bind Vis Ndx Name[@[@]VER] [(n)]". */
function readelfSymbols(path: string): OracleSymbols {
  const imports = new Set<string>();
  const exports = new Set<string>();
  for (const raw of run("readelf", ["--dyn-syms", "-W", path]).split("\n")) {
    // Some readelf builds print STB_GNU_UNIQUE as "<OS specific>: 10".
    const line = raw.replace("<OS specific>: 10", "UNIQUE");
    const m = /^\s*\d+:\s+[0-9a-f]+\s+\S+\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+\(\d+\))?\s*$/.exec(line);
    if (m === null) continue;
    const [, , bind, , ndx, rawName] = m as unknown as [string, string, string, string, string, string];
    const [name = "", version = ""] = rawName.split(/@@?/);
    if (name === "") continue;
    const key = `${name}@${version}`;
    if (ndx === "UND") imports.add(key);
    else if (bind === "GLOBAL" || bind === "WEAK" || bind === "UNIQUE") exports.add(key);
  }
  return { imports: [...imports].sort(), exports: [...exports].sort() };
}

function readelfNeeded(path: string): string[] {
  const out: string[] = [];
  for (const line of run("readelf", ["-d", "-W", path]).split("\n")) {
    const m = /\(NEEDED\)\s+Shared library: \[(.*)\]/.exec(line);
    if (m?.[1] !== undefined) out.push(m[1]);
  }
  return out;
}

/**
 * name@version. readelf prints a version definition's own ABS symbol (e.g. GLIBC_2.10 in libc.so.6)
 * without its version, while readElf keeps the version the versym table gives it; compare those bare.
 */
const keys = (syms: readonly ElfSymbol[]): string[] =>
  [...new Set(syms.map((s) => `${s.name}@${s.version === undefined || s.version === s.name ? "" : s.version}`))].sort();

describe("readelf oracle", { skip: haveReadelf ? false : "needs readelf" }, () => {
  const targets = [...new Set(CANDIDATES.filter((p) => existsSync(p)).map((p) => realpathSync(p)))].filter((p) => {
    const head = readFileSync(p).subarray(0, 4);
    return head.toString("latin1") === "\x7fELF";
  });

  test("at least one system binary to compare", { skip: targets.length > 0 ? false : "no candidate binaries" }, () => {
    assert.ok(targets.length > 0);
  });

  for (const path of targets) {
    test(`${path}: same imports, exports and DT_NEEDED as readelf`, () => {
      const bytes = readFileSync(path);
      const elf = readElf(bytes);
      const oracle = readelfSymbols(path);
      assert.deepEqual(keys(elf.imports), oracle.imports, "imports (name@version)");
      assert.deepEqual(keys(elf.exports), oracle.exports, "exports (name@version)");
      assert.deepEqual(elf.needed, readelfNeeded(path));
      if (elf.bits === 64 && elf.endian === "little") {
        const bare = readElf(withShoffBeyondEof(bytes));
        assert.deepEqual(keys(bare.imports), oracle.imports, "imports via PT_DYNAMIC only");
        assert.deepEqual(keys(bare.exports), oracle.exports, "exports via PT_DYNAMIC only");
      }
    });
  }
});
