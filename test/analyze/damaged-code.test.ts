// @fileoverview Damaged code bytes never throw or hang; they become uncertainty in the report. For a real x86-64
// program (gcc) and a real aarch64 one (aarch64-linux-gnu-gcc -static): .text overwritten with random bytes, a call
// in main redirected outside the image, and the file cut inside .text.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadDatabase, readElf } from "../../src/index.js";
import { scanFile, selectTargets } from "../../src/scan/scan.js";
import type { FileReport } from "../../src/index.js";
import { compile } from "../helpers/compile.js";
import { ROOT } from "../helpers/paths.js";
import { prng } from "../elf/helpers.js";

const db = loadDatabase();
const targets = selectTargets(db, ["nanos"]);
const dir = mkdtempSync(join(tmpdir(), "unifit-damaged-code-"));
const source = join(ROOT, "test", "oracle", "programs", "file-io.c");

const ARCHES = [
  { arch: "x86_64", cc: "gcc", flags: ["-no-pie"] },
  { arch: "aarch64", cc: "aarch64-linux-gnu-gcc", flags: ["-static"] },
] as const;

function scan(name: string, bytes: Uint8Array): FileReport {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const r = scanFile(path, db, targets);
  assert.ok(!("code" in r), `${name}: ${"message" in r ? String(r.message) : ""}`);
  return r;
}

/** File offset of the first direct call in main: x86 `call rel32` (e8), aarch64 `bl` (top six bits 100101). */
function firstCallInMain(bytes: Buffer, arch: string): number {
  const elf = readElf(bytes);
  const main = elf.symtab.find((s) => s.name === "main");
  const text = elf.sections.find((s) => s.name === ".text");
  assert.ok(main !== undefined && text !== undefined, "main and .text found");
  const start = text.offset + (main.value - text.addr);
  for (let o = start; o < start + main.size; o += arch === "aarch64" ? 4 : 1) {
    if (arch === "aarch64" ? bytes.readUInt32LE(o) >>> 26 === 0x25 : bytes[o] === 0xe8) return o;
  }
  throw new Error("no call in main");
}

for (const a of ARCHES) {
  const have = a.cc === "gcc" || existsSync(`/usr/bin/${a.cc}`);
  describe(`damaged ${a.arch} code`, { skip: have ? false : `${a.cc} is not installed (test/setup/prepare.sh installs it)` }, () => {
    const good = (): Buffer => readFileSync(compile(source, [...a.flags], a.cc));

    it("intact: no damaged-code uncertainty", () => {
      const r = scan(`${a.arch}-intact`, good());
      assert.equal(r.binary?.arch, a.arch);
      assert.ok(!r.uncertainties.some((u) => u.kind === "damaged-code"), JSON.stringify(r.uncertainties));
    });

    it(".text overwritten with random bytes: a report, and the damage said", { timeout: 60_000 }, () => {
      const bytes = good();
      const text = readElf(bytes).sections.find((s) => s.name === ".text");
      assert.ok(text !== undefined);
      const rand = prng(0xc0de);
      for (let o = text.offset; o < text.offset + text.size; o++) bytes[o] = Math.floor(rand() * 256);
      const r = scan(`${a.arch}-garbage`, bytes);
      const u = r.uncertainties.find((x) => x.kind === "damaged-code");
      assert.ok(u !== undefined, JSON.stringify(r.uncertainties));
      assert.match(u.message, /do not decode|lead outside the code/);
    });

    it("a call in main sent outside the image: the jump is reported", () => {
      const bytes = good();
      const at = firstCallInMain(bytes, a.arch);
      if (a.arch === "aarch64") bytes.writeUInt32LE(((0x25 << 26) | 0x1ffffff) >>> 0, at); // bl +128 MB
      else bytes.writeInt32LE(0x7ff00000, at + 1); // call +2 GB
      const r = scan(`${a.arch}-outside`, bytes);
      const u = r.uncertainties.find((x) => x.kind === "damaged-code");
      assert.ok(u !== undefined, JSON.stringify(r.uncertainties));
      assert.match(u.message, /1 direct call\(s\) or jump\(s\) in reachable code lead outside the code/);
    });

    it("the file cut at every 16th of .text: a report or one clear error, never a throw", { timeout: 120_000 }, () => {
      const bytes = good();
      const text = readElf(bytes).sections.find((s) => s.name === ".text");
      assert.ok(text !== undefined);
      for (let k = 1; k < 16; k++) {
        const path = join(dir, `${a.arch}-cut-${k}`);
        writeFileSync(path, bytes.subarray(0, text.offset + Math.floor((text.size * k) / 16)));
        const r = scanFile(path, db, targets);
        if ("code" in r) assert.match(r.message, /malformed ELF/);
        else assert.ok(r.uncertainties.some((u) => u.kind === "degraded-elf"), `cut ${k}: ${JSON.stringify(r.uncertainties)}`);
      }
    });
  });
}
