// @fileoverview ElfParseError: the one error type src/elf throws, carrying the file offset where reading failed.

import { hex } from "../util/hex.js";

/**
 * Thrown by the bounds-checked reader on every out-of-range read, and by readElf only when the
 * file is not usable at all. Callers inside src/elf catch it per table and degrade to a warning.
 */
export class ElfParseError extends Error {
  readonly offset?: number;

  constructor(message: string, offset?: number) {
    super(offset === undefined ? message : `${message} (at offset ${hex(offset)})`);
    this.name = "ElfParseError";
    if (offset !== undefined) this.offset = offset;
  }
}
