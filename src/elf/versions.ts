// @fileoverview GNU symbol versioning: .gnu.version (versym indices), .gnu.version_r (needs, per file) and .gnu.version_d (definitions).

import { VER_FLG_BASE, VERSYM_INDEX_MASK } from "./constants.js";
import type { ByteReader } from "./reader.js";
import type { StringTable } from "./string-table.js";
import type { ElfVersionNeed } from "./types.js";

export interface VersionTable {
  offset: number;
  /** Number of records the header claims (vn_cnt chain length / DT_VERNEEDNUM / sh_info). */
  count: number;
  /** Bytes readable from offset (end of section or PT_LOAD file image). */
  available: number;
  label: string;
}

export interface NeededVersion {
  name: string;
  file: string;
}

export interface VersionNeeds {
  needs: ElfVersionNeed[];
  /** vna_other (the versym index) → version name and the file that provides it. */
  byIndex: Map<number, NeededVersion>;
}

const VERNEED_SIZE = 16;
const VERNAUX_SIZE = 16;
const VERDEF_SIZE = 20;
const VERDAUX_SIZE = 8;

/** versym index per dynamic symbol, hidden bit (0x8000) masked off. */
export function readVersym(reader: ByteReader, offset: number, count: number, available: number): number[] {
  const n = Math.min(count, Math.floor(available / 2));
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(reader.u16(offset + i * 2, "versym") & VERSYM_INDEX_MASK);
  return out;
}

/**
 * Walks Elf_Verneed records and their Elf_Vernaux entries. vn_next/vna_next are relative offsets;
 * the walk stops at 0, at the claimed count, or when a record would leave the table, and the total
 * number of records visited is capped by the table size so a cycle cannot hang.
 */
export function readVerneed(
  reader: ByteReader,
  table: VersionTable,
  strings: StringTable | undefined,
  warnings: string[],
): VersionNeeds {
  const needs: ElfVersionNeed[] = [];
  const byIndex = new Map<number, NeededVersion>();
  const end = table.offset + table.available;
  let budget = Math.floor(table.available / VERNAUX_SIZE) + 1;
  let at = table.offset;
  for (let i = 0; i < table.count; i++) {
    if (at + VERNEED_SIZE > end || budget-- <= 0) {
      warnings.push(`${table.label}: record ${i} lies outside the table; stopped`);
      break;
    }
    const cnt = reader.u16(at + 2, "vn_cnt");
    const fileIndex = reader.u32(at + 4, "vn_file");
    const aux = reader.u32(at + 8, "vn_aux");
    const next = reader.u32(at + 12, "vn_next");
    const file = strings?.get(fileIndex) ?? "";
    const versions: string[] = [];
    let auxAt = at + aux;
    for (let j = 0; j < cnt; j++) {
      if (aux === 0 || auxAt + VERNAUX_SIZE > end || budget-- <= 0) {
        warnings.push(`${table.label}: auxiliary record ${j} of ${file || "?"} lies outside the table; stopped`);
        break;
      }
      const other = reader.u16(auxAt + 6, "vna_other") & VERSYM_INDEX_MASK;
      const name = strings?.get(reader.u32(auxAt + 8, "vna_name")) ?? "";
      versions.push(name);
      if (name !== "") byIndex.set(other, { name, file });
      const auxNext = reader.u32(auxAt + 12, "vna_next");
      if (auxNext === 0) break;
      auxAt += auxNext;
    }
    needs.push({ file, versions });
    if (next === 0) break;
    at += next;
  }
  return { needs, byIndex };
}

/** Walks Elf_Verdef records: vd_ndx → version name (the first Elf_Verdaux). The VER_FLG_BASE record (the file's own name) is skipped. */
export function readVerdef(
  reader: ByteReader,
  table: VersionTable,
  strings: StringTable | undefined,
  warnings: string[],
): Map<number, string> {
  const byIndex = new Map<number, string>();
  const end = table.offset + table.available;
  const budget = Math.floor(table.available / VERDEF_SIZE) + 1;
  let at = table.offset;
  for (let i = 0; i < Math.min(table.count, budget); i++) {
    if (at + VERDEF_SIZE > end) {
      warnings.push(`${table.label}: record ${i} lies outside the table; stopped`);
      break;
    }
    const flags = reader.u16(at + 2, "vd_flags");
    const ndx = reader.u16(at + 4, "vd_ndx") & VERSYM_INDEX_MASK;
    const cnt = reader.u16(at + 6, "vd_cnt");
    const aux = reader.u32(at + 12, "vd_aux");
    const next = reader.u32(at + 16, "vd_next");
    if ((flags & VER_FLG_BASE) === 0 && cnt > 0 && aux !== 0) {
      const auxAt = at + aux;
      if (auxAt + VERDAUX_SIZE <= end) {
        const name = strings?.get(reader.u32(auxAt, "vda_name"));
        if (name !== undefined && name !== "") byIndex.set(ndx, name);
      } else {
        warnings.push(`${table.label}: auxiliary record of version ${ndx} lies outside the table`);
      }
    }
    if (next === 0) break;
    at += next;
  }
  return byIndex;
}
