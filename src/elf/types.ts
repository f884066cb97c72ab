// @fileoverview The ELF model that src/elf produces: plain data, no syscall names, no targets.
import type { SymbolBinding, SymbolKind } from "./constants.js";

export type ElfMachine = "x86_64" | "aarch64" | "other";
export type Linkage = "static" | "static-pie" | "dynamic";
export type LibcFlavour = "glibc" | "musl" | "go" | "none" | "unknown";

export interface ElfSegment {
  /** p_type as a number (PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_TLS = 7, PT_GNU_STACK = 0x6474e551). */
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  /** p_flags bits: PF_X = 1, PF_W = 2, PF_R = 4. */
  flags: number;
}

export interface ElfSection {
  name: string;
  /** sh_type as a number. */
  type: number;
  addr: number;
  offset: number;
  size: number;
  flags: number;
  link: number;
  info: number;
  entsize: number;
}

export interface ElfSymbol {
  name: string;
  /** Symbol version, e.g. "GLIBC_2.2.5"; undefined when the binary has no version info for it. */
  version?: string;
  /** For imports: the DT_NEEDED file that the version requirement names (from .gnu.version_r), when known. */
  library?: string;
  /** STT_* as text. */
  kind: SymbolKind;
  /** STB_* as text. */
  binding: SymbolBinding;
  value: number;
  size: number;
  /** true when st_shndx is SHN_UNDEF (an import). */
  undefined: boolean;
}

export interface ElfVersionNeed {
  file: string;
  versions: string[];
}

/** A dynamic relocation that binds a symbol to a slot (the GOT entry a PLT stub or a -fno-plt call reads). */
export interface ElfSlot {
  slot: number;
  name: string;
  version?: string;
  type: "jump-slot" | "glob-dat" | "abs64";
}

export interface ElfClassification {
  linkage: Linkage;
  pie: boolean;
  libc: LibcFlavour;
  /** Free-form evidence for the libc decision, e.g. "PT_INTERP /lib64/ld-linux-x86-64.so.2", "DT_NEEDED libc.musl-x86_64.so.1", ".go.buildinfo". */
  libcEvidence: string;
  /** No .symtab (or no section headers at all). */
  stripped: boolean;
  /** The section header table was present and usable. */
  sectionHeaders: boolean;
  /**
   * The Go toolchain version that built the file (e.g. "go1.19.8"), from the Go build info blob ("\xff Go buildinf:"
   * in .go.buildinfo or the first writable PT_LOAD); absent for non-Go files or when the blob cannot be read.
   */
  goVersion?: string;
  /** Rust code is linked in (see `rustMarker` in classify.ts for the rule). */
  rust: boolean;
}

export interface ElfFile {
  bits: 32 | 64;
  endian: "little" | "big";
  machine: ElfMachine;
  /** e_machine as a number (62 = x86-64, 183 = aarch64). */
  machineCode: number;
  /** e_type: 1 REL, 2 EXEC, 3 DYN, 4 CORE. */
  fileType: number;
  entry: number;
  segments: ElfSegment[];
  /** Empty when the section headers are stripped or unusable. */
  sections: ElfSection[];
  /** PT_INTERP contents, e.g. "/lib64/ld-linux-x86-64.so.2". */
  interp?: string;
  needed: string[];
  rpath: string[];
  runpath: string[];
  soname?: string;
  /** DT_FLAGS and DT_FLAGS_1 (0 when absent). */
  dtFlags: number;
  dtFlags1: number;
  /** Undefined dynamic symbols (what the binary imports), sorted by name then version. */
  imports: ElfSymbol[];
  /** Defined global/weak dynamic symbols (what it exports), sorted by name then version. */
  exports: ElfSymbol[];
  /** .symtab entries when present (functions and objects, defined and not), in table order. */
  symtab: ElfSymbol[];
  /** Go functions from .gopclntab (names survive stripping), in table order; empty for other binaries. */
  goFuncs: { name: string; addr: number }[];
  versionNeeds: ElfVersionNeed[];
  /** Symbol-binding relocations (JUMP_SLOT, GLOB_DAT, absolute), in table order. */
  symbolSlots: ElfSlot[];
  /** Addends of RELATIVE and IRELATIVE relocations: pointers the loader writes, function pointers among them. */
  relativeTargets: number[];
  /** Where each relativeTargets pointer is stored (parallel to it): the tables of pointers in data. */
  relativeSlots: number[];
  /** DT_INIT, DT_FINI and the non-zero entries of the preinit/init/fini arrays. */
  initFini: number[];
  /** PT_TLS present. */
  tls: boolean;
  /** PT_GNU_STACK present and whether it asks for an executable stack (undefined when absent). */
  execStack?: boolean;
  classification: ElfClassification;
  /** Parts that were damaged or missing and how the reader degraded, one line each (deterministic order). */
  warnings: string[];
}
