// @fileoverview PT_INTERP and PT_DYNAMIC: reads the dynamic tags (until DT_NULL, capped at the segment) into a DynamicInfo.

import {
  DT_FINI,
  DT_FINI_ARRAY,
  DT_FINI_ARRAYSZ,
  DT_FLAGS,
  DT_INIT,
  DT_INIT_ARRAY,
  DT_INIT_ARRAYSZ,
  DT_PREINIT_ARRAY,
  DT_PREINIT_ARRAYSZ,
  DT_RELR,
  DT_RELRSZ,
  DT_FLAGS_1,
  DT_GNU_HASH,
  DT_HASH,
  DT_NEEDED,
  DT_NULL,
  DT_JMPREL,
  DT_PLTREL,
  DT_PLTRELSZ,
  DT_REL,
  DT_RELA,
  DT_RELAENT,
  DT_RELASZ,
  DT_RELENT,
  DT_RELSZ,
  DT_RPATH,
  DT_RUNPATH,
  DT_SONAME,
  DT_STRSZ,
  DT_STRTAB,
  DT_SYMENT,
  DT_SYMTAB,
  DT_VERDEF,
  DT_VERDEFNUM,
  DT_VERNEED,
  DT_VERNEEDNUM,
  DT_VERSYM,
  PT_DYNAMIC,
  PT_INTERP,
  SHT_DYNAMIC,
  SIZES,
} from "./constants.js";
import type { ByteReader } from "./reader.js";
import type { ElfSection, ElfSegment } from "./types.js";
import { hex } from "../util/hex.js";

/** The dynamic tags src/elf uses. Address-valued tags stay virtual addresses; string-valued ones stay string table indices. */
export interface DynamicInfo {
  /** A PT_DYNAMIC segment (or, without program headers, an SHT_DYNAMIC section) was found. */
  present: boolean;
  needed: number[];
  rpath: number[];
  runpath: number[];
  soname?: number;
  flags: number;
  flags1: number;
  strtab?: number;
  strsz?: number;
  symtab?: number;
  syment?: number;
  hash?: number;
  gnuHash?: number;
  versym?: number;
  verneed?: number;
  verneednum?: number;
  verdef?: number;
  verdefnum?: number;
  /** Relocation tables (DT_RELA/DT_REL/DT_JMPREL): only used to size the dynamic symbol table without section headers. */
  rela?: number;
  relasz?: number;
  relaent?: number;
  rel?: number;
  relsz?: number;
  relent?: number;
  jmprel?: number;
  pltrelsz?: number;
  pltrel?: number;
  /** DT_INIT / DT_FINI functions and the init/fini arrays (address + byte size), roots of the call graph. */
  init?: number;
  fini?: number;
  initArray?: number;
  initArraySz?: number;
  finiArray?: number;
  finiArraySz?: number;
  preinitArray?: number;
  preinitArraySz?: number;
  /** DT_RELR packed relative relocations (address + byte size). */
  relr?: number;
  relrsz?: number;
}


/** PT_INTERP contents without the trailing NUL; undefined (with a warning) when unreadable. */
export function readInterp(reader: ByteReader, segments: readonly ElfSegment[], warnings: string[]): string | undefined {
  const seg = segments.find((s) => s.type === PT_INTERP);
  if (seg === undefined) return undefined;
  if (seg.filesz === 0 || !reader.inBounds(seg.offset, seg.filesz)) {
    warnings.push(`PT_INTERP: ${seg.filesz} byte(s) at ${hex(seg.offset)} lie outside the file; interpreter unknown`);
    return undefined;
  }
  return reader.cstring(seg.offset, seg.offset + seg.filesz, "PT_INTERP");
}

/**
 * Reads the dynamic table. The PT_DYNAMIC segment is what the loader uses, so it wins; an SHT_DYNAMIC
 * section is only used when there is no PT_DYNAMIC (e.g. the program headers were unusable).
 */
export function readDynamic(
  reader: ByteReader,
  segments: readonly ElfSegment[],
  sections: readonly ElfSection[],
  warnings: string[],
): DynamicInfo {
  const info: DynamicInfo = { present: false, needed: [], rpath: [], runpath: [], flags: 0, flags1: 0 };
  let where: { offset: number; size: number; label: string } | undefined;
  const seg = segments.find((s) => s.type === PT_DYNAMIC);
  if (seg !== undefined) {
    where = { offset: seg.offset, size: seg.filesz, label: "PT_DYNAMIC" };
  } else {
    const sec = sections.find((s) => s.type === SHT_DYNAMIC);
    if (sec !== undefined) where = { offset: sec.offset, size: sec.size, label: sec.name || "SHT_DYNAMIC" };
  }
  if (where === undefined) return info;
  info.present = true;

  const entSize = SIZES[reader.bits].dyn;
  const half = entSize / 2;
  if (!Number.isSafeInteger(where.offset) || where.offset < 0 || where.offset >= reader.length) {
    warnings.push(`${where.label}: table at ${hex(where.offset)} lies outside the file; no dynamic tags`);
    return info;
  }
  let usable = where.size;
  if (!reader.inBounds(where.offset, where.size)) {
    usable = reader.length - where.offset;
    warnings.push(`${where.label}: table at ${hex(where.offset)} runs past the end of the file; reading what is there`);
  }
  const count = Math.floor(usable / entSize);
  let sawNull = false;
  for (let i = 0; i < count; i++) {
    const at = where.offset + i * entSize;
    const tag = reader.word(at, "d_tag");
    const value = reader.word(at + half, "d_val");
    if (tag === DT_NULL) {
      sawNull = true;
      break;
    }
    switch (tag) {
      case DT_NEEDED:
        info.needed.push(value);
        break;
      case DT_RPATH:
        info.rpath.push(value);
        break;
      case DT_RUNPATH:
        info.runpath.push(value);
        break;
      case DT_SONAME:
        info.soname ??= value;
        break;
      case DT_FLAGS:
        info.flags = value;
        break;
      case DT_FLAGS_1:
        info.flags1 = value;
        break;
      case DT_STRTAB:
        info.strtab ??= value;
        break;
      case DT_STRSZ:
        info.strsz ??= value;
        break;
      case DT_SYMTAB:
        info.symtab ??= value;
        break;
      case DT_SYMENT:
        info.syment ??= value;
        break;
      case DT_HASH:
        info.hash ??= value;
        break;
      case DT_GNU_HASH:
        info.gnuHash ??= value;
        break;
      case DT_VERSYM:
        info.versym ??= value;
        break;
      case DT_VERNEED:
        info.verneed ??= value;
        break;
      case DT_VERNEEDNUM:
        info.verneednum ??= value;
        break;
      case DT_VERDEF:
        info.verdef ??= value;
        break;
      case DT_VERDEFNUM:
        info.verdefnum ??= value;
        break;
      case DT_RELA:
        info.rela ??= value;
        break;
      case DT_RELASZ:
        info.relasz ??= value;
        break;
      case DT_RELAENT:
        info.relaent ??= value;
        break;
      case DT_REL:
        info.rel ??= value;
        break;
      case DT_RELSZ:
        info.relsz ??= value;
        break;
      case DT_RELENT:
        info.relent ??= value;
        break;
      case DT_JMPREL:
        info.jmprel ??= value;
        break;
      case DT_PLTRELSZ:
        info.pltrelsz ??= value;
        break;
      case DT_PLTREL:
        info.pltrel ??= value;
        break;
      case DT_RELR:
        info.relr ??= value;
        break;
      case DT_RELRSZ:
        info.relrsz ??= value;
        break;
      case DT_INIT:
        info.init ??= value;
        break;
      case DT_FINI:
        info.fini ??= value;
        break;
      case DT_INIT_ARRAY:
        info.initArray ??= value;
        break;
      case DT_INIT_ARRAYSZ:
        info.initArraySz ??= value;
        break;
      case DT_FINI_ARRAY:
        info.finiArray ??= value;
        break;
      case DT_FINI_ARRAYSZ:
        info.finiArraySz ??= value;
        break;
      case DT_PREINIT_ARRAY:
        info.preinitArray ??= value;
        break;
      case DT_PREINIT_ARRAYSZ:
        info.preinitArraySz ??= value;
        break;
      default:
        break;
    }
  }
  if (!sawNull) warnings.push(`${where.label}: no DT_NULL within ${count} entries; stopped at the end of the table`);
  return info;
}
