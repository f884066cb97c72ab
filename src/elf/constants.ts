// @fileoverview Numeric ELF constants (e_type, p_type, sh_type, d_tag, flags, symbol info) used by src/elf.

export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_TLS = 7;
export const PT_GNU_STACK = 0x6474e551;

export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

/** sh_flags: the section occupies memory while the program runs. */
export const SHF_ALLOC = 2;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_DYNAMIC = 6;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_DYNSYM = 11;
export const SHT_RELA = 4;
export const SHT_REL = 9;
export const SHT_INIT_ARRAY = 14;
export const SHT_FINI_ARRAY = 15;
export const SHT_PREINIT_ARRAY = 16;
export const SHT_GNU_VERDEF = 0x6ffffffd;
export const SHT_GNU_VERNEED = 0x6ffffffe;
export const SHT_GNU_VERSYM = 0x6fffffff;

export const SHN_UNDEF = 0;
export const SHN_XINDEX = 0xffff;

export const DT_NULL = 0;
export const DT_NEEDED = 1;
export const DT_PLTRELSZ = 2;
export const DT_HASH = 4;
export const DT_STRTAB = 5;
export const DT_SYMTAB = 6;
export const DT_RELA = 7;
export const DT_RELASZ = 8;
export const DT_RELAENT = 9;
export const DT_STRSZ = 10;
export const DT_SYMENT = 11;
export const DT_SONAME = 14;
export const DT_RPATH = 15;
export const DT_REL = 17;
export const DT_RELSZ = 18;
export const DT_RELENT = 19;
export const DT_PLTREL = 20;
export const DT_JMPREL = 23;
export const DT_INIT = 12;
export const DT_FINI = 13;
export const DT_INIT_ARRAY = 25;
export const DT_FINI_ARRAY = 26;
export const DT_INIT_ARRAYSZ = 27;
export const DT_FINI_ARRAYSZ = 28;
export const DT_PREINIT_ARRAY = 32;
export const DT_PREINIT_ARRAYSZ = 33;
export const DT_RUNPATH = 29;
export const DT_RELRSZ = 35;
export const DT_RELR = 36;
export const DT_FLAGS = 30;
export const DT_GNU_HASH = 0x6ffffef5;
export const DT_VERSYM = 0x6ffffff0;
export const DT_FLAGS_1 = 0x6ffffffb;
export const DT_VERDEF = 0x6ffffffc;
export const DT_VERDEFNUM = 0x6ffffffd;
export const DT_VERNEED = 0x6ffffffe;
export const DT_VERNEEDNUM = 0x6fffffff;

export const DF_1_PIE = 0x08000000;

export const VER_FLG_BASE = 1;
export const VERSYM_INDEX_MASK = 0x7fff;

export const NT_GNU_ABI_TAG = 1;

/** Sizes of the fixed records, per ELF class. */
export const SIZES = {
  32: { ehdr: 52, phdr: 32, shdr: 40, sym: 16, dyn: 8, word: 4 },
  64: { ehdr: 64, phdr: 56, shdr: 64, sym: 24, dyn: 16, word: 8 },
} as const;

/** A symbol's STT_* type as text; "other" for a value unifit does not name. */
export type SymbolKind = "notype" | "object" | "func" | "section" | "file" | "common" | "tls" | "ifunc" | "other";
/** A symbol's STB_* binding as text; "other" for a value unifit does not name. */
export type SymbolBinding = "local" | "global" | "weak" | "unique" | "other";

export const STT_NAMES: Readonly<Record<number, SymbolKind>> = {
  0: "notype",
  1: "object",
  2: "func",
  3: "section",
  4: "file",
  5: "common",
  6: "tls",
  10: "ifunc",
};

export const STB_NAMES: Readonly<Record<number, SymbolBinding>> = {
  0: "local",
  1: "global",
  2: "weak",
  10: "unique",
};

/** Relocation types unifit reads, per machine: symbol slots, relative pointers and ifunc resolvers. */
export const RELOC_TYPES: Readonly<Record<number, { abs64: number; globDat: number; jumpSlot: number; relative: number; irelative: number }>> = {
  62: { abs64: 1, globDat: 6, jumpSlot: 7, relative: 8, irelative: 37 },
  183: { abs64: 257, globDat: 1025, jumpSlot: 1026, relative: 1027, irelative: 1032 },
};
