// @fileoverview StringTable: a bounded view of an ELF string table (.dynstr, .strtab or DT_STRTAB/DT_STRSZ).

import type { ByteReader } from "./reader.js";

export class StringTable {
  constructor(
    private readonly reader: ByteReader,
    readonly offset: number,
    readonly size: number,
    /** Where the table came from, for warnings, e.g. ".dynstr" or "DT_STRTAB". */
    readonly source: string,
  ) {}

  /** String at index, or undefined when the index lies outside the table (or the table outside the file). */
  get(index: number): string | undefined {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) return undefined;
    try {
      return this.reader.cstring(this.offset + index, this.offset + this.size, this.source);
    } catch {
      return undefined;
    }
  }
}
