// @fileoverview Whether an ELF file is something a loader could run or map at all: an executable or shared object
// whose loadable segments are all in the file. Object files, core dumps and files cut short are not, and a scan
// of them would rate nothing (no entry point, no code reached) and call the result compatible.

import { ET_CORE, ET_DYN, ET_EXEC, ET_REL, PT_LOAD } from "./constants.js";
import type { ElfFile } from "./types.js";
import { hex } from "../util/hex.js";

export interface Unusable {
  /** NOT_PROGRAM: a valid ELF file of a kind that does not run (object, core dump); BAD_ELF: damaged beyond use. */
  code: "NOT_PROGRAM" | "BAD_ELF";
  message: string;
}


/** Why the file cannot be loaded, or undefined when it can (damage to optional tables is the reader's warnings). */
export function unusable(elf: ElfFile, fileSize: number): Unusable | undefined {
  switch (elf.fileType) {
    case ET_EXEC:
    case ET_DYN:
      break;
    case ET_REL:
      return {
        code: "NOT_PROGRAM",
        message: "relocatable object file (ET_REL, what gcc -c writes), not a program: link it and scan the executable or shared library",
      };
    case ET_CORE:
      return { code: "NOT_PROGRAM", message: "core dump (ET_CORE), not a program: scan the executable that dumped it" };
    default:
      return { code: "NOT_PROGRAM", message: `ELF file of type ${elf.fileType} (e_type), neither an executable nor a shared library` };
  }
  const loads = elf.segments.filter((s) => s.type === PT_LOAD);
  // The program headers are what the kernel and ld.so map; with none, nothing of the file would be in memory.
  if (loads.length === 0) return { code: "BAD_ELF", message: "malformed ELF: no loadable segment (PT_LOAD): a loader could map nothing of it" };
  // A segment whose bytes run past the end of the file: the file was cut short (an interrupted copy or download).
  // The loader would map it and fault on the missing bytes, and the code read here would be incomplete.
  const cut = loads.find((s) => s.offset + s.filesz > fileSize);
  if (cut !== undefined) {
    return {
      code: "BAD_ELF",
      message: `malformed ELF: truncated: a PT_LOAD segment needs file bytes ${hex(cut.offset)}-${hex(cut.offset + cut.filesz)}, the file ends at ${hex(fileSize)}`,
    };
  }
  return undefined;
}

/**
 * The section header table runs past the end of the file. It is the last thing a linker writes, so this is what a
 * file cut short looks like (an interrupted copy), though a damaged e_shoff looks the same. The loaded part may be
 * whole and the reader goes on without sections, but the file scanned is then probably not the file that will be
 * deployed: the caller should not call it compatible. Returns a sentence saying so, or undefined.
 */
export function cutBeforeSections(elf: ElfFile, bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = elf.endian === "little";
  const is64 = elf.bits === 64;
  if (bytes.length < (is64 ? 64 : 52)) return undefined;
  const shoff = is64 ? Number(view.getBigUint64(40, little)) : view.getUint32(32, little);
  const shentsize = view.getUint16(is64 ? 58 : 46, little);
  const shnum = view.getUint16(is64 ? 60 : 48, little);
  if (shoff === 0) return undefined; // no section header table: a normal, stripped layout
  const end = shoff + Math.max(shnum, 1) * shentsize;
  if (end <= bytes.length) return undefined;
  return `the file ends at ${hex(bytes.length)}, before its section header table (${hex(shoff)}-${hex(end)}): it was probably cut short (or e_shoff is damaged), so what was scanned may not be the program that will run; the verdict is unknown rather than compatible`;
}
