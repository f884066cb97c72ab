// @fileoverview Dynamic relocations: symbol slots (JUMP_SLOT, GLOB_DAT, ABS64) and RELATIVE/IRELATIVE pointers,
// the facts a call graph needs to see through PLT stubs, GOT calls and function pointers in data.

import { RELOC_TYPES } from "./constants.js";
import type { AddressMap } from "./address-map.js";
import type { ByteReader } from "./reader.js";
import { relocationLayout } from "./symbols.js";
import type { RawSymbol, RelocationTable } from "./symbols.js";
import type { ElfSlot } from "./types.js";

export interface Relocations {
  slots: ElfSlot[];
  relative: number[];
  /** Where each `relative` pointer is stored (parallel to it). */
  relativeSlots: number[];
}

/**
 * Reads every entry of the given tables. Entries are bounded by each table's size; REL entries (no addend) read
 * the addend from the slot itself. Unknown relocation types are skipped.
 */
export function readRelocations(
  reader: ByteReader,
  map: AddressMap,
  machineCode: number,
  tables: readonly RelocationTable[],
  symbols: readonly RawSymbol[],
  versionOf: (index: number) => string | undefined,
): Relocations {
  const types = RELOC_TYPES[machineCode];
  const out: Relocations = { slots: [], relative: [], relativeSlots: [] };
  if (types === undefined) return out;
  const is64 = reader.bits === 64;
  for (const t of tables) {
    const { entsize, n } = relocationLayout(reader, t);
    for (let i = 0; i < n; i++) {
      const at = t.offset + i * entsize;
      let offset: number;
      let type: number;
      let sym: number;
      let addend: number | undefined;
      if (is64) {
        offset = reader.u64(at, "r_offset");
        const lo = reader.u32(at + (reader.little ? 8 : 12), "r_info");
        const hi = reader.u32(at + (reader.little ? 12 : 8), "r_info");
        type = lo;
        sym = hi;
        if (t.rela) addend = reader.u64(at + 16, "r_addend");
      } else {
        offset = reader.u32(at, "r_offset");
        const info = reader.u32(at + 4, "r_info");
        type = info & 0xff;
        sym = info >>> 8;
        if (t.rela) addend = reader.u32(at + 8, "r_addend");
      }
      if (type === types.relative || type === types.irelative) {
        if (addend === undefined) {
          const m = map.map(offset);
          if (m === undefined || m.available < (is64 ? 8 : 4)) continue;
          addend = is64 ? reader.u64(m.offset, "REL slot") : reader.u32(m.offset, "REL slot");
        }
        if (addend > 0 && Number.isSafeInteger(addend)) {
          out.relative.push(addend);
          out.relativeSlots.push(offset);
        }
      } else if (type === types.jumpSlot || type === types.globDat || type === types.abs64) {
        const s = symbols[sym];
        if (s === undefined || s.name === "") continue;
        const slot: ElfSlot = {
          slot: offset,
          name: s.name,
          type: type === types.jumpSlot ? "jump-slot" : type === types.globDat ? "glob-dat" : "abs64",
        };
        const v = versionOf(sym);
        if (v !== undefined) slot.version = v;
        out.slots.push(slot);
      }
    }
  }
  return out;
}

/** Non-zero pointer-sized entries of an init/fini array that lies in the file. */
export function readPointerArray(reader: ByteReader, map: AddressMap, addr: number | undefined, size: number | undefined): number[] {
  if (addr === undefined || size === undefined || size === 0) return [];
  const m = map.map(addr);
  if (m === undefined) return [];
  const w = reader.bits === 64 ? 8 : 4;
  const n = Math.floor(Math.min(size, m.available) / w);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = w === 8 ? reader.u64(m.offset + i * w, "init array") : reader.u32(m.offset + i * w, "init array");
    if (v !== 0 && v !== -1 && v !== 0xffffffff && v < Number.MAX_SAFE_INTEGER) out.push(v);
  }
  return out;
}

/**
 * DT_RELR packed relative relocations: an even entry is an address, an odd one a bitmap of the next 63 (31 on
 * ELF32) words. The value stored at each slot is the pointer the loader relocates, so that is what is returned
 * (and, into `slots` when given, where each is stored).
 */
export function readRelr(
  reader: ByteReader,
  map: AddressMap,
  addr: number | undefined,
  size: number | undefined,
  slots?: number[],
): number[] {
  if (addr === undefined || size === undefined || size === 0) return [];
  const m = map.map(addr);
  if (m === undefined) return [];
  const w = reader.bits === 64 ? 8 : 4;
  const n = Math.floor(Math.min(size, m.available) / w);
  const out: number[] = [];
  const at = (slot: number): void => {
    const s = map.map(slot);
    if (s === undefined || s.available < w) return;
    const v = w === 8 ? reader.u64(s.offset, "RELR slot") : reader.u32(s.offset, "RELR slot");
    if (v > 0 && Number.isSafeInteger(v)) {
      out.push(v);
      slots?.push(slot);
    }
  };
  let base = 0;
  for (let i = 0; i < n; i++) {
    // Read as 32-bit halves: a 64-bit bitmap above 2^53 is not exact as a number (and its parity would be lost).
    const lo = reader.u32(m.offset + i * w + (w === 8 && !reader.little ? 4 : 0), "RELR entry");
    const hi = w === 8 ? reader.u32(m.offset + i * w + (reader.little ? 4 : 0), "RELR entry") : 0;
    if ((lo & 1) === 0) {
      const entry = hi * 0x100000000 + lo;
      at(entry);
      base = entry + w;
    } else {
      for (let bit = 1; bit < w * 8; bit++) {
        const set = bit < 32 ? (lo >>> bit) & 1 : (hi >>> (bit - 32)) & 1;
        if (set) at(base + (bit - 1) * w);
      }
      base += (w * 8 - 1) * w;
    }
  }
  return out;
}
