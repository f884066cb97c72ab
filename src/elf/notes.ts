// @fileoverview ELF notes (PT_NOTE segments / SHT_NOTE sections): owner and type of each note, for libc and Go markers.

import type { ByteReader } from "./reader.js";

export interface ElfNote {
  owner: string;
  type: number;
}

const align4 = (n: number): number => (n + 3) & ~3;

/**
 * Lists the notes in [offset, offset + size). Notes are 4-byte aligned (the GNU and Go notes we look
 * for are); a record that would run past the area ends the walk, so every loop is bounded by size.
 */
export function readNotes(reader: ByteReader, offset: number, size: number): ElfNote[] {
  const notes: ElfNote[] = [];
  if (!reader.inBounds(offset, size)) return notes;
  const end = offset + size;
  let at = offset;
  while (at + 12 <= end) {
    const namesz = reader.u32(at, "n_namesz");
    const descsz = reader.u32(at + 4, "n_descsz");
    const type = reader.u32(at + 8, "n_type");
    const nameAt = at + 12;
    const next = nameAt + align4(namesz) + align4(descsz);
    if (next > end || next <= at) break;
    const owner = namesz > 0 ? reader.cstring(nameAt, nameAt + namesz, "note name") : "";
    notes.push({ owner, type });
    at = next;
  }
  return notes;
}
