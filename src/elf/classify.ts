// @fileoverview Classification of an ELF: linkage (static / static-pie / dynamic), PIE, libc flavour with its evidence,
// stripped, the Go toolchain version from Go's build info, and whether Rust code is linked in.

import { DF_1_PIE, ET_DYN, NT_GNU_ABI_TAG, PF_W, PF_X, PT_LOAD } from "./constants.js";
import type { ElfNote } from "./notes.js";
import type { ElfClassification, ElfSection, ElfSegment, ElfVersionNeed, LibcFlavour, Linkage } from "./types.js";

export interface ClassifyInput {
  fileType: number;
  entry: number;
  interp: string | undefined;
  hasDynamic: boolean;
  needed: readonly string[];
  dtFlags1: number;
  versionNeeds: readonly ElfVersionNeed[];
  /** Section names (empty without section headers). */
  sectionNames: ReadonlySet<string>;
  /** Names in .symtab (empty when stripped). */
  symtabNames: ReadonlySet<string>;
  notes: readonly ElfNote[];
  hasSymtab: boolean;
  sectionHeaders: boolean;
  /** Whether the file contains the byte string (searched lazily; only static binaries need it). */
  fileContains: (needle: string) => boolean;
  /** Whether a writable PT_LOAD's file image contains the byte string. */
  dataContains: (needle: string) => boolean;
  /**
   * The file's bytes with its program and section headers, for reading Go's build info (its version string sits
   * behind pointers or after the header). Optional: without it `goVersion` is left out.
   */
  image?: GoImage;
}

/** What readGoVersion needs: the file's bytes, PT_LOAD segments (to map addresses) and sections (to find .go.buildinfo). */
export interface GoImage {
  bytes: Uint8Array;
  segments: readonly ElfSegment[];
  sections: readonly ElfSection[];
}

/** Go's build info header ("\xff Go buildinf:"), at the start of .go.buildinfo in a data segment. */
export const GO_BUILDINFO_MAGIC = "\xff Go buildinf:";
/** Go's build ID note: owner "Go", type 4 (ELF_NOTE_GOBUILDID_TAG). */
const GO_NOTE_BUILDID = 4;

const GLIBC_STATIC_SYMBOLS = ["__libc_setup_tls", "_dl_relocate_static_pie", "__libc_start_call_main"] as const;
const MUSL_STATIC_SYMBOLS = ["__init_libc", "__libc_start_init"] as const;

export function classify(input: ClassifyInput): ElfClassification {
  const linkage = classifyLinkage(input);
  const pie = input.fileType === ET_DYN && ((input.dtFlags1 & DF_1_PIE) !== 0 || input.interp !== undefined);
  const { libc, libcEvidence } = classifyLibc(input, linkage);
  const out: ElfClassification = {
    linkage,
    pie,
    libc,
    libcEvidence,
    stripped: !input.hasSymtab,
    sectionHeaders: input.sectionHeaders,
    rust: rustMarker(input) !== undefined,
  };
  if (input.image !== undefined) {
    const goVersion = readGoVersion(input.image);
    if (goVersion !== undefined) out.goVersion = goVersion;
  }
  return out;
}

/**
 * dynamic: a PT_INTERP or any DT_NEEDED. static-pie: ET_DYN with a dynamic table and an entry point but
 * neither (it relocates itself). static: everything else, including ET_EXEC without DT_NEEDED and
 * relocatable objects.
 */
function classifyLinkage(input: ClassifyInput): Linkage {
  if (input.interp !== undefined || input.needed.length > 0) return "dynamic";
  if (input.fileType === ET_DYN && input.hasDynamic && input.entry !== 0) return "static-pie";
  return "static";
}

function goMarker(input: ClassifyInput): string | undefined {
  if (input.sectionNames.has(".go.buildinfo")) return ".go.buildinfo";
  if (input.sectionNames.has(".note.go.buildid")) return ".note.go.buildid";
  if (input.notes.some((n) => n.owner === "Go" && n.type === GO_NOTE_BUILDID)) return "Go build ID note";
  if (input.dataContains(GO_BUILDINFO_MAGIC)) return "Go build info magic in a writable PT_LOAD";
  return undefined;
}

/**
 * Dynamic binaries are decided by what the loader will use (PT_INTERP, DT_NEEDED, GLIBC_ version needs).
 * Static binaries carry no such record, so we look for markers, Go first (its runtime makes the system
 * calls even when some libc code is linked in), then glibc (NT_GNU_ABI_TAG note, glibc-only startup
 * symbols, the "GLIBC_TUNABLES" string every glibc 2.26+ static binary contains), then musl (musl-only
 * startup symbols, or musl's strerror text "No error information"). No marker means "none".
 */
function classifyLibc(input: ClassifyInput, linkage: Linkage): { libc: LibcFlavour; libcEvidence: string } {
  if (linkage === "dynamic") {
    const dyn = dynamicLibc(input);
    const go = goMarker(input);
    if (dyn !== undefined) {
      return go === undefined ? dyn : { libc: dyn.libc, libcEvidence: `${dyn.libcEvidence}; Go binary (${go})` };
    }
    if (go !== undefined) return { libc: "go", libcEvidence: go };
    return { libc: "unknown", libcEvidence: "no known libc in PT_INTERP, DT_NEEDED or version needs" };
  }

  const go = goMarker(input);
  if (go !== undefined) return { libc: "go", libcEvidence: go };
  if (input.notes.some((n) => n.owner === "GNU" && n.type === NT_GNU_ABI_TAG)) {
    return { libc: "glibc", libcEvidence: "NT_GNU_ABI_TAG note" };
  }
  for (const s of GLIBC_STATIC_SYMBOLS) {
    if (input.symtabNames.has(s)) return { libc: "glibc", libcEvidence: `.symtab ${s}` };
  }
  for (const s of MUSL_STATIC_SYMBOLS) {
    if (input.symtabNames.has(s)) return { libc: "musl", libcEvidence: `.symtab ${s}` };
  }
  if (input.fileContains("GLIBC_TUNABLES\0")) return { libc: "glibc", libcEvidence: 'string "GLIBC_TUNABLES"' };
  if (input.fileContains("No error information\0")) return { libc: "musl", libcEvidence: 'string "No error information"' };
  return { libc: "none", libcEvidence: "static, no libc markers" };
}

function dynamicLibc(input: ClassifyInput): { libc: LibcFlavour; libcEvidence: string } | undefined {
  const interp = input.interp;
  if (interp !== undefined) {
    const base = interp.slice(interp.lastIndexOf("/") + 1);
    if (base.startsWith("ld-musl-")) return { libc: "musl", libcEvidence: `PT_INTERP ${interp}` };
    if (base.startsWith("ld-linux") || /^ld64\.so\.\d+$/.test(base)) {
      return { libc: "glibc", libcEvidence: `PT_INTERP ${interp}` };
    }
  }
  for (const n of input.needed) {
    if (n.startsWith("libc.musl-")) return { libc: "musl", libcEvidence: `DT_NEEDED ${n}` };
    if (n === "libc.so.6") return { libc: "glibc", libcEvidence: `DT_NEEDED ${n}` };
  }
  for (const need of input.versionNeeds) {
    const v = need.versions.find((x) => x.startsWith("GLIBC_"));
    if (v !== undefined) return { libc: "glibc", libcEvidence: `version need ${v} (${need.file})` };
  }
  return undefined;
}

/** Symbols that only Rust's standard library and runtime define (std's panic entry points and allocator shims). */
const RUST_SYMBOLS = [
  "rust_panic",
  "rust_begin_unwind",
  "rust_eh_personality",
  "__rust_alloc",
  "__rust_dealloc",
  "__rust_realloc",
  "__rust_start_panic",
] as const;
/**
 * Strings Rust's std puts in every binary that links it, even stripped: "__rust_begin_short_backtrace" (the frame
 * marker std's panic backtrace printer looks for), "RUST_BACKTRACE" (the variable it reads), and "/rustc/" (the
 * prefix of std's source paths in panic locations, /rustc/<commit>/library/..., when the toolchain does not remap
 * them; Debian's does, so its binaries carry "library/std/src/..." instead and are caught by the first two).
 */
const RUST_STRINGS = ["__rust_begin_short_backtrace", "RUST_BACKTRACE", "/rustc/"] as const;

/**
 * Rust is linked in when any of these holds, cheapest first: a ".rustc" section (Rust dylib/proc-macro metadata);
 * a .symtab name from RUST_SYMBOLS; a RUST_STRINGS string anywhere in the file. A C program that links a Rust
 * static library counts as Rust (its Rust code makes its own system calls through std). Returns the evidence.
 */
function rustMarker(input: ClassifyInput): string | undefined {
  if (input.sectionNames.has(".rustc")) return ".rustc section";
  for (const s of RUST_SYMBOLS) if (input.symtabNames.has(s)) return `.symtab ${s}`;
  for (const s of RUST_STRINGS) if (input.fileContains(s)) return `string "${s}"`;
  return undefined;
}

/** How far past the data start the build info may sit (Go's debug/buildinfo reads the same 64 KiB). */
const GO_BUILDINFO_WINDOW = 64 * 1024;
const GO_BUILDINFO_HEADER = 32;
const GO_BUILDINFO_ALIGN = 16;
/** Longest version string accepted; real ones are like "go1.22.5" or "devel go1.23-abcdef Tue ...". */
const GO_VERSION_MAX = 256;
const SHT_NOBITS = 8;

/**
 * The Go toolchain version from the build info blob, following Go's debug/buildinfo: the blob starts with
 * "\xff Go buildinf:" (14 bytes), then the pointer size (byte 14) and flags (byte 15), on a 16-byte boundary
 * within 64 KiB of the data start (.go.buildinfo, else the first writable, non-executable PT_LOAD).
 * flags & 2 (Go >= 1.18): the version follows the 32-byte header inline as a uvarint length and bytes.
 * Otherwise (older Go): bytes 16.. hold the address of a Go string header {data pointer, length}, in the byte
 * order given by flags & 1 (big endian) and the pointer size (4 or 8), mapped to the file through PT_LOAD.
 * Every read is bounds-checked; anything malformed gives undefined, never an exception.
 */
export function readGoVersion(image: GoImage): string | undefined {
  try {
    const blob = findBuildInfo(image);
    if (blob === undefined) return undefined;
    const { bytes } = image;
    const ptrSize = bytes[blob + 14] as number;
    const flags = bytes[blob + 15] as number;
    let version: Uint8Array | undefined;
    if ((flags & 2) !== 0) {
      version = readVarintString(bytes, blob + GO_BUILDINFO_HEADER);
    } else {
      if (ptrSize !== 4 && ptrSize !== 8) return undefined;
      const big = (flags & 1) !== 0;
      const headerAddr = readWord(bytes, blob + 16, ptrSize, big);
      if (headerAddr === undefined) return undefined;
      const header = addressToOffset(image, headerAddr, 2 * ptrSize);
      if (header === undefined) return undefined;
      const dataAddr = readWord(bytes, header, ptrSize, big);
      const len = readWord(bytes, header + ptrSize, ptrSize, big);
      if (dataAddr === undefined || len === undefined || len === 0 || len > GO_VERSION_MAX) return undefined;
      const data = addressToOffset(image, dataAddr, len);
      if (data === undefined) return undefined;
      version = bytes.subarray(data, data + len);
    }
    if (version === undefined || version.length === 0 || version.length > GO_VERSION_MAX) return undefined;
    for (const b of version) if (b < 0x20 || b > 0x7e) return undefined;
    return Buffer.from(version.buffer, version.byteOffset, version.byteLength).toString("latin1");
  } catch {
    return undefined;
  }
}

/** File offset of the build info header, or undefined. */
function findBuildInfo(image: GoImage): number | undefined {
  const { bytes } = image;
  const magic = Buffer.from(GO_BUILDINFO_MAGIC, "latin1");
  const starts: { offset: number; size: number; vaddr: number }[] = [];
  const sec = image.sections.find((s) => s.name === ".go.buildinfo" && s.type !== SHT_NOBITS);
  if (sec !== undefined) starts.push({ offset: sec.offset, size: sec.size, vaddr: sec.addr });
  const seg = image.segments.find((p) => p.type === PT_LOAD && (p.flags & (PF_W | PF_X)) === PF_W);
  if (seg !== undefined) starts.push({ offset: seg.offset, size: seg.filesz, vaddr: seg.vaddr });
  for (const s of starts) {
    if (!Number.isSafeInteger(s.offset) || s.offset < 0 || s.offset >= bytes.length) continue;
    const end = Math.min(bytes.length, s.offset + Math.min(s.size, GO_BUILDINFO_WINDOW));
    const window = Buffer.from(bytes.buffer, bytes.byteOffset + s.offset, end - s.offset);
    // The blob sits at a 16-byte aligned address; a copy of the magic elsewhere (say, in a string) is skipped.
    for (let at = window.indexOf(magic); at >= 0; at = window.indexOf(magic, at + 1)) {
      if (at + GO_BUILDINFO_HEADER > window.length) break;
      if ((s.vaddr + at) % GO_BUILDINFO_ALIGN === 0) return s.offset + at;
    }
  }
  return undefined;
}

/** A uvarint-length-prefixed string at `offset` (Go >= 1.18 inline build info), bounded by the file and GO_VERSION_MAX. */
function readVarintString(bytes: Uint8Array, offset: number): Uint8Array | undefined {
  let len = 0;
  let shift = 0;
  let o = offset;
  for (let i = 0; ; i++) {
    if (i >= 5 || o >= bytes.length) return undefined; // longer than 2^35 is not a version string
    const b = bytes[o++] as number;
    len += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) break;
  }
  if (len > GO_VERSION_MAX || o + len > bytes.length) return undefined;
  return bytes.subarray(o, o + len);
}

function readWord(bytes: Uint8Array, offset: number, size: 4 | 8, big: boolean): number | undefined {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > bytes.length) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, size);
  if (size === 4) return view.getUint32(0, !big);
  const v = view.getBigUint64(0, !big);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(v);
}

/** File offset of `size` bytes at virtual address `addr`, through PT_LOAD file images (else sections), or undefined. */
function addressToOffset(image: GoImage, addr: number, size: number): number | undefined {
  const ranges = image.segments.some((p) => p.type === PT_LOAD)
    ? image.segments.filter((p) => p.type === PT_LOAD).map((p) => ({ vaddr: p.vaddr, offset: p.offset, size: p.filesz }))
    : image.sections.filter((s) => s.addr !== 0 && s.type !== SHT_NOBITS).map((s) => ({ vaddr: s.addr, offset: s.offset, size: s.size }));
  for (const r of ranges) {
    if (addr < r.vaddr || addr + size > r.vaddr + r.size) continue;
    const off = r.offset + (addr - r.vaddr);
    if (Number.isSafeInteger(off) && off >= 0 && off + size <= image.bytes.length) return off;
  }
  return undefined;
}
