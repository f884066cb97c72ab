// @fileoverview The ELF magic check, defined once: what tells an ELF file from any other bytes (inputs, image
// layers, files named like sources). Only the four magic bytes; whether the rest is readable is readElf's business.

/** The first four bytes of every ELF file: 0x7f 'E' 'L' 'F' (System V gABI, e_ident[EI_MAG0..EI_MAG3]). */
const ELF_MAGIC: readonly number[] = [0x7f, 0x45, 0x4c, 0x46];

/** Whether the bytes start with the ELF magic. */
export function isElfMagic(bytes: Uint8Array | undefined): boolean {
  return bytes !== undefined && bytes.length >= 4 && ELF_MAGIC.every((m, i) => bytes[i] === m);
}
