// @fileoverview Public surface of src/elf: readElf, ElfParseError and the ElfFile model types (re-exports only).

export { readElf } from "./read-elf.js";
export { ElfParseError } from "./errors.js";
export { cutBeforeSections, unusable } from "./usable.js";
export type { Unusable } from "./usable.js";
export type {
  ElfClassification,
  ElfFile,
  ElfMachine,
  ElfSection,
  ElfSegment,
  ElfSymbol,
  ElfVersionNeed,
  LibcFlavour,
  Linkage,
} from "./types.js";
