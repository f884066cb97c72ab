// @fileoverview Symbol tables: Elf32/64_Sym records, and the dynamic symbol count from DT_HASH or DT_GNU_HASH when there are no section headers.

import { SIZES, STB_NAMES, STT_NAMES } from "./constants.js";
import type { SymbolBinding, SymbolKind } from "./constants.js";
import { ElfParseError } from "./errors.js";
import type { ByteReader } from "./reader.js";
import type { StringTable } from "./string-table.js";
import { hex } from "../util/hex.js";

export interface RawSymbol {
  index: number;
  name: string;
  value: number;
  size: number;
  kind: SymbolKind;
  binding: SymbolBinding;
  shndx: number;
}

export interface SymbolTableLocation {
  offset: number;
  count: number;
  entsize: number;
  /** For warnings, e.g. ".dynsym" or "DT_SYMTAB". */
  label: string;
}

/**
 * Reads count symbols. The count is clipped to what the file holds, and a record that cannot be read
 * ends the table with a warning. Names outside the string table become "" (counted in one warning).
 */
export function readSymbols(
  reader: ByteReader,
  where: SymbolTableLocation,
  strings: StringTable | undefined,
  warnings: string[],
): RawSymbol[] {
  const std = SIZES[reader.bits].sym;
  let entsize = where.entsize;
  if (entsize < std) {
    if (entsize !== 0) warnings.push(`${where.label}: entry size ${entsize} is too small; using ${std}`);
    entsize = std;
  }
  if (!Number.isSafeInteger(where.offset) || where.offset < 0 || where.offset > reader.length) {
    warnings.push(`${where.label}: table at ${hex(where.offset)} lies outside the file; no symbols`);
    return [];
  }
  const fits = Math.floor((reader.length - where.offset) / entsize);
  let count = where.count;
  if (count > fits) {
    warnings.push(`${where.label}: ${count} symbols do not fit in the file; reading ${fits}`);
    count = fits;
  }
  const out: RawSymbol[] = [];
  let badNames = 0;
  for (let i = 0; i < count; i++) {
    const at = where.offset + i * entsize;
    let nameIndex: number;
    let info: number;
    let shndx: number;
    let value: number;
    let size: number;
    if (reader.bits === 64) {
      nameIndex = reader.u32(at, "st_name");
      info = reader.u8(at + 4, "st_info");
      shndx = reader.u16(at + 6, "st_shndx");
      value = reader.u64(at + 8, "st_value");
      size = reader.u64(at + 16, "st_size");
    } else {
      nameIndex = reader.u32(at, "st_name");
      value = reader.u32(at + 4, "st_value");
      size = reader.u32(at + 8, "st_size");
      info = reader.u8(at + 12, "st_info");
      shndx = reader.u16(at + 14, "st_shndx");
    }
    let name = "";
    if (nameIndex !== 0) {
      const s = strings?.get(nameIndex);
      if (s === undefined) badNames++;
      else name = s;
    }
    out.push({
      index: i,
      name,
      value,
      size,
      kind: STT_NAMES[info & 0xf] ?? "other",
      binding: STB_NAMES[info >> 4] ?? "other",
      shndx,
    });
  }
  if (badNames > 0) {
    const src = strings === undefined ? "no string table" : `outside ${strings.source}`;
    warnings.push(`${where.label}: ${badNames} symbol name(s) unavailable (${src})`);
  }
  return out;
}

/** nchain from a SysV hash table: the number of symbols in the dynamic symbol table. */
export function countFromSysvHash(reader: ByteReader, offset: number): number {
  return reader.u32(offset + 4, "DT_HASH nchain");
}

/**
 * Number of dynamic symbols implied by a GNU hash table: one past the highest index reached by any
 * bucket's chain (symbols below symoffset are unhashed and always counted). Every loop is capped by
 * the bytes available, so a corrupt table cannot hang.
 */
export function countFromGnuHash(reader: ByteReader, offset: number, available: number): number {
  const end = offset + available;
  const nbuckets = reader.u32(offset, "DT_GNU_HASH nbuckets");
  const symoffset = reader.u32(offset + 4, "DT_GNU_HASH symoffset");
  const bloomSize = reader.u32(offset + 8, "DT_GNU_HASH bloom_size");
  const bloomWord = SIZES[reader.bits].word;
  const buckets = offset + 16 + bloomSize * bloomWord;
  const chains = buckets + nbuckets * 4;
  if (!Number.isSafeInteger(chains) || chains > end) {
    throw new ElfParseError("DT_GNU_HASH buckets run past the segment", offset);
  }
  let max = 0;
  for (let i = 0; i < nbuckets; i++) max = Math.max(max, reader.u32(buckets + i * 4, "DT_GNU_HASH bucket"));
  if (max < symoffset) return symoffset;
  let index = max;
  const maxSteps = Math.floor((end - chains) / 4);
  for (let step = 0; step <= maxSteps; step++) {
    const at = chains + (index - symoffset) * 4;
    if (at + 4 > end) throw new ElfParseError("DT_GNU_HASH chain runs past the segment", at);
    const h = reader.u32(at, "DT_GNU_HASH chain");
    if ((h & 1) !== 0) return index + 1;
    index++;
  }
  throw new ElfParseError("DT_GNU_HASH chain has no end marker", chains);
}

export interface RelocationTable {
  offset: number;
  /** Bytes of the table that lie in the file. */
  size: number;
  entsize: number;
  rela: boolean;
}

/** Entry size (the standard one when the table's is missing or too small) and entry count of a relocation table. */
export function relocationLayout(reader: ByteReader, t: RelocationTable): { entsize: number; n: number } {
  const is64 = reader.bits === 64;
  const std = is64 ? (t.rela ? 24 : 16) : t.rela ? 12 : 8;
  const entsize = t.entsize >= std ? t.entsize : std;
  return { entsize, n: Math.floor(t.size / entsize) };
}

/**
 * One past the highest symbol index any dynamic relocation refers to (0 when none). Used alongside the
 * hash tables because a GNU hash table says nothing about unhashed (undefined) symbols past symoffset:
 * ld emits symoffset 1 when no symbol is hashed, although every import sits after it.
 */
export function countFromRelocations(reader: ByteReader, tables: readonly RelocationTable[]): number {
  let max = 0;
  const is64 = reader.bits === 64;
  for (const t of tables) {
    const { entsize, n } = relocationLayout(reader, t);
    for (let i = 0; i < n; i++) {
      const infoAt = t.offset + i * entsize + (is64 ? 8 : 4);
      const sym = is64 ? reader.u32(infoAt + (reader.little ? 4 : 0), "r_info") : reader.u32(infoAt, "r_info") >>> 8;
      if (sym + 1 > max) max = sym + 1;
    }
  }
  return max;
}
