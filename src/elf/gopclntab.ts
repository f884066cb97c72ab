// @fileoverview Function names and entry addresses from a Go binary's .gopclntab, which survives stripping: the only
// symbol table a stripped Go program has. Formats of Go 1.16 (magic 0xfffffffa) and 1.18+ (0xfffffff0, 0xfffffff1).

import type { ByteReader } from "./reader.js";
import type { ElfSection } from "./types.js";

export interface GoFunc {
  name: string;
  addr: number;
}

const MAX_FUNCS = 2_000_000;

/** Reads .gopclntab; returns [] for anything it does not recognise. Every read is bounds-checked by the reader. */
export function readGoPclntab(reader: ByteReader, sections: readonly ElfSection[], warnings: string[]): GoFunc[] {
  const sec = sections.find((s) => s.name === ".gopclntab");
  if (sec === undefined || !reader.inBounds(sec.offset, Math.min(sec.size, 64))) return [];
  const base = sec.offset;
  const end = Math.min(reader.length, sec.offset + sec.size);
  const magic = reader.u32(base, "pclntab magic");
  const ptr = reader.u8(base + 7, "pclntab ptrsize");
  if (ptr !== 4 && ptr !== 8) return [];
  const word = (i: number): number => (ptr === 8 ? reader.u64(base + 8 + i * 8, "pclntab header") : reader.u32(base + 8 + i * 4, "pclntab header"));
  const cstr = (at: number): string | undefined => (at >= base && at < end ? reader.cstring(at, Math.min(end, at + 4096), "go func name") : undefined);
  const out: GoFunc[] = [];
  if (magic === 0xfffffff0 || magic === 0xfffffff1) {
    // nfunc, nfiles, textStart, funcnameOffset, cuOffset, filetabOffset, pctabOffset, pclnOffset
    const nfunc = word(0);
    const textStart = word(2);
    const funcname = base + word(3);
    const pcln = base + word(7);
    if (nfunc > MAX_FUNCS || pcln + nfunc * 8 > end) {
      warnings.push(".gopclntab: function table runs past the section; ignored");
      return [];
    }
    for (let i = 0; i < nfunc; i++) {
      const entryOff = reader.u32(pcln + i * 8, "functab entry");
      const funcOff = reader.u32(pcln + i * 8 + 4, "functab funcoff");
      const f = pcln + funcOff;
      if (f + 8 > end) continue;
      const nameOff = reader.u32(f + 4, "func nameoff");
      const name = cstr(funcname + nameOff);
      if (name !== undefined && name !== "") out.push({ name, addr: textStart + entryOff });
    }
  } else if (magic === 0xfffffffa) {
    // nfunc, nfiles, funcnameOffset, cuOffset, filetabOffset, pctabOffset, pclnOffset
    const nfunc = word(0);
    const funcname = base + word(2);
    const pcln = base + word(6);
    if (nfunc > MAX_FUNCS || pcln + nfunc * 2 * ptr > end) {
      warnings.push(".gopclntab: function table runs past the section; ignored");
      return [];
    }
    const w = (at: number): number => (ptr === 8 ? reader.u64(at, "functab") : reader.u32(at, "functab"));
    for (let i = 0; i < nfunc; i++) {
      const entry = w(pcln + i * 2 * ptr);
      const funcOff = w(pcln + i * 2 * ptr + ptr);
      const f = pcln + funcOff;
      if (f + ptr + 4 > end) continue;
      const nameOff = reader.u32(f + ptr, "func nameoff");
      const name = cstr(funcname + nameOff);
      if (name !== undefined && name !== "") out.push({ name, addr: entry });
    }
  }
  return out;
}
