// @fileoverview Virtual address → file offset mapping through PT_LOAD segments only (as pyelftools' address_offsets does).

import { PT_LOAD } from "./constants.js";
import type { ElfSegment } from "./types.js";

export interface MappedRange {
  /** File offset of the address. */
  offset: number;
  /** Bytes of file image from offset to the end of the containing PT_LOAD's file data (clipped to the file). */
  available: number;
}

export class AddressMap {
  private readonly loads: ElfSegment[];

  constructor(
    segments: readonly ElfSegment[],
    private readonly fileLength: number,
  ) {
    this.loads = segments.filter((s) => s.type === PT_LOAD);
  }

  get hasLoads(): boolean {
    return this.loads.length > 0;
  }

  /**
   * Maps vaddr to a file offset. Only the file-backed part (p_filesz) counts: an address in .bss has
   * no bytes in the file. Returns undefined when no PT_LOAD covers it or the segment lies outside the file.
   */
  map(vaddr: number): MappedRange | undefined {
    for (const s of this.loads) {
      if (vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz) {
        const offset = s.offset + (vaddr - s.vaddr);
        const end = Math.min(s.offset + s.filesz, this.fileLength);
        if (!Number.isSafeInteger(offset) || offset >= end) return undefined;
        return { offset, available: end - offset };
      }
    }
    return undefined;
  }
}
