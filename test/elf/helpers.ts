// @fileoverview Test helpers for src/elf: temp dirs, tool detection, gcc compilation and byte patching of ELF64 files.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const HELLO_C = `#include <stdio.h>
int main(void) { printf("hello %d\\n", 42); puts("bye"); return 0; }
`;

export function makeTempDir(prefix = "unifit-elf-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** True when the tool runs (exit status 0 for `--version`). */
export function hasTool(tool: string): boolean {
  if (tool.startsWith("/") && !existsSync(tool)) return false;
  const r = spawnSync(tool, ["--version"], { stdio: "ignore" });
  return r.status === 0;
}

/** Runs a command; returns stdout, or throws with stderr when it fails. */
export function run(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr || String(r.error)}`);
  return r.stdout;
}

/** Writes source.c into dir and compiles it with `compiler flags`; returns the output path, or undefined when the compile fails. */
export function compile(dir: string, name: string, flags: readonly string[], compiler = "gcc", source = HELLO_C): string | undefined {
  const src = join(dir, `${name}.c`);
  writeFileSync(src, source);
  const out = join(dir, name);
  const r = spawnSync(compiler, [...flags, "-o", out, src], { encoding: "utf8" });
  return r.status === 0 ? out : undefined;
}

export function readBytes(path: string): Buffer {
  return readFileSync(path);
}

/** A copy of a little-endian ELF64 file with e_shoff moved past the end of the file. */
export function withShoffBeyondEof(bytes: Buffer): Buffer {
  const c = Buffer.from(bytes);
  c.writeBigUInt64LE(BigInt(bytes.length + 0x10000), 0x28);
  return c;
}

/** A copy of a little-endian ELF64 file with e_shnum = 0 (e_shoff left pointing at the old table). */
export function withShnumZero(bytes: Buffer): Buffer {
  const c = Buffer.from(bytes);
  c.writeUInt16LE(0, 0x3c);
  return c;
}

/** A copy of a little-endian ELF64 file with no section header table at all (e_shoff = e_shnum = e_shstrndx = 0, table cut off). */
export function withoutSectionHeaders(bytes: Buffer): Buffer {
  const shoff = Number(bytes.readBigUInt64LE(0x28));
  const c = Buffer.from(bytes.subarray(0, shoff > 0 && shoff < bytes.length ? shoff : bytes.length));
  c.writeBigUInt64LE(0n, 0x28);
  c.writeUInt16LE(0, 0x3c);
  c.writeUInt16LE(0, 0x3e);
  return c;
}

/** A copy of a little-endian ELF64 file with e_phoff moved past the end of the file. */
export function withPhoffBeyondEof(bytes: Buffer): Buffer {
  const c = Buffer.from(bytes);
  c.writeBigUInt64LE(BigInt(bytes.length + 0x10000), 0x20);
  return c;
}

/** File offset of the d_val of the first dynamic entry with this tag in a little-endian ELF64 file. */
export function findDynamicValueOffset(bytes: Buffer, tag: number): number | undefined {
  const phoff = Number(bytes.readBigUInt64LE(0x20));
  const phnum = bytes.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * 56;
    if (bytes.readUInt32LE(p) !== 2) continue;
    const off = Number(bytes.readBigUInt64LE(p + 8));
    const size = Number(bytes.readBigUInt64LE(p + 32));
    for (let e = off; e + 16 <= off + size; e += 16) {
      const t = Number(bytes.readBigUInt64LE(e));
      if (t === 0) return undefined;
      if (t === tag) return e + 8;
    }
  }
  return undefined;
}

/** Small deterministic PRNG (mulberry32) for fuzz mutations. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
