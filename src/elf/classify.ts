// @fileoverview Classification of an ELF: linkage (static / static-pie / dynamic), PIE, libc flavour with its evidence, stripped.

import { DF_1_PIE, ET_DYN, NT_GNU_ABI_TAG } from "./constants.js";
import type { ElfNote } from "./notes.js";
import type { ElfClassification, ElfVersionNeed, LibcFlavour, Linkage } from "./types.js";

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
  return {
    linkage,
    pie,
    libc,
    libcEvidence,
    stripped: !input.hasSymtab,
    sectionHeaders: input.sectionHeaders,
  };
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
