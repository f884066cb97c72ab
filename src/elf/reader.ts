// @fileoverview ByteReader: bounds-checked, endian- and class-aware reads over the file bytes; every failure is an ElfParseError with the offset.

import { ElfParseError } from "./errors.js";

/** Longest string we decode from a string table; longer runs are cut so a table without NULs cannot make reads quadratic. */
export const MAX_STRING = 4096;

const decoder = new TextDecoder("utf-8", { fatal: false });

export class ByteReader {
  readonly length: number;
  private readonly view: DataView;
  /** The same bytes as a Buffer (no copy), for native ASCII decoding. */
  private readonly buf: Buffer;

  constructor(
    readonly bytes: Uint8Array,
    readonly little: boolean,
    readonly bits: 32 | 64,
  ) {
    this.length = bytes.byteLength;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** True when [offset, offset + size) lies inside the file. */
  inBounds(offset: number, size: number): boolean {
    return (
      Number.isSafeInteger(offset) &&
      Number.isSafeInteger(size) &&
      offset >= 0 &&
      size >= 0 &&
      offset + size <= this.length
    );
  }

  /** Throws ElfParseError unless [offset, offset + size) lies inside the file. */
  check(offset: number, size: number, what: string): void {
    if (!this.inBounds(offset, size)) {
      throw new ElfParseError(
        `${what}: ${size} byte(s) out of range of the ${this.length}-byte file`,
        Number.isFinite(offset) ? offset : undefined,
      );
    }
  }

  u8(offset: number, what = "u8"): number {
    this.check(offset, 1, what);
    return this.view.getUint8(offset);
  }

  u16(offset: number, what = "u16"): number {
    this.check(offset, 2, what);
    return this.view.getUint16(offset, this.little);
  }

  u32(offset: number, what = "u32"): number {
    this.check(offset, 4, what);
    return this.view.getUint32(offset, this.little);
  }

  /** 64-bit value as a number; values above 2^53 lose precision, which only matters for addresses no file can contain. */
  u64(offset: number, what = "u64"): number {
    this.check(offset, 8, what);
    // Two 32-bit halves: the same number as Number(getBigUint64()), without a BigInt per read.
    const lo = this.view.getUint32(this.little ? offset : offset + 4, this.little);
    const hi = this.view.getUint32(this.little ? offset + 4 : offset, this.little);
    return hi * 0x100000000 + lo;
  }

  /** An address-sized field (Elf32_Addr/Off or Elf64_Addr/Off/Xword). */
  word(offset: number, what = "word"): number {
    return this.bits === 64 ? this.u64(offset, what) : this.u32(offset, what);
  }

  /** Bytes [offset, offset + size) without copying. */
  slice(offset: number, size: number, what = "slice"): Uint8Array {
    this.check(offset, size, what);
    return this.bytes.subarray(offset, offset + size);
  }

  /**
   * NUL-terminated string starting at offset and not running past end (default: end of file).
   * A missing terminator is tolerated (the string stops at end or after MAX_STRING bytes).
   */
  cstring(offset: number, end: number = this.length, what = "string"): string {
    const limit = Math.min(end, this.length);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= limit) {
      throw new ElfParseError(`${what}: start out of range`, Number.isFinite(offset) ? offset : undefined);
    }
    const stop = Math.min(limit, offset + MAX_STRING);
    // One pass finds the terminator and whether every byte is ASCII (a native indexOf per short name costs more).
    const bytes = this.bytes;
    let last = offset;
    let high = 0;
    for (; last < stop; last++) {
      const c = bytes[last] as number;
      if (c === 0) break;
      high |= c;
    }
    // Symbol names are ASCII: decode those natively; anything else as UTF-8 (invalid bytes become U+FFFD).
    if (high >= 0x80) return decoder.decode(bytes.subarray(offset, last));
    return this.buf.toString("latin1", offset, last);
  }
}
