// @fileoverview Smoke/fuzz over every file in /usr/bin: readElf throws nothing but ElfParseError and reports no internal errors.

import assert from "node:assert/strict";
import { readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ElfParseError, readElf } from "../../src/elf/index.js";

const DIR = "/usr/bin";
const MAX_BYTES = 256 * 1024 * 1024;

function files(): string[] {
  let names: string[];
  try {
    names = readdirSync(DIR).sort();
  } catch {
    return [];
  }
  const seen = new Set<string>();
  for (const name of names) {
    try {
      const real = realpathSync(join(DIR, name));
      const st = statSync(real);
      if (st.isFile() && st.size <= MAX_BYTES) seen.add(real);
    } catch {
      // dangling link or unreadable: not our concern here
    }
  }
  return [...seen].sort();
}

test(`readElf over ${DIR}`, { timeout: 600_000, skip: process.platform === "linux" ? false : "Linux only" }, () => {
  let elfCount = 0;
  const internal: string[] = [];
  for (const path of files()) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      continue;
    }
    try {
      const elf = readElf(bytes);
      elfCount++;
      for (const w of elf.warnings) if (w.includes("internal error")) internal.push(`${path}: ${w}`);
      assert.ok(["static", "static-pie", "dynamic"].includes(elf.classification.linkage));
    } catch (err) {
      assert.ok(err instanceof ElfParseError, `${path}: threw ${String(err)}`);
    }
  }
  assert.deepEqual(internal, []);
  assert.ok(elfCount > 0, "found ELF files");
});
