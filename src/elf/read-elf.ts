// @fileoverview readElf: bytes → ElfFile. Orchestrates the header tables, PT_INTERP, PT_DYNAMIC, symbols, versions and classification, degrading per table.

import { AddressMap } from "./address-map.js";
import { classify } from "./classify.js";
import {
  EM_AARCH64,
  EM_X86_64,
  PF_W,
  PF_X,
  PT_GNU_STACK,
  PT_LOAD,
  PT_NOTE,
  PT_TLS,
  SHN_UNDEF,
  SHT_DYNAMIC,
  SHT_DYNSYM,
  SHT_GNU_VERDEF,
  SHT_GNU_VERNEED,
  SHT_GNU_VERSYM,
  SHT_FINI_ARRAY,
  SHT_INIT_ARRAY,
  SHT_NOBITS,
  SHT_NOTE,
  SHT_PREINIT_ARRAY,
  SHT_REL,
  SHT_RELA,
  SHT_STRTAB,
  SHT_SYMTAB,
  SIZES,
} from "./constants.js";
import { readDynamic, readInterp } from "./dynamic.js";
import type { DynamicInfo } from "./dynamic.js";
import { openElf, readHeaderTables } from "./elfy-adapter.js";
import { ElfParseError } from "./errors.js";
import { readNotes } from "./notes.js";
import { readGoPclntab } from "./gopclntab.js";
import { readPointerArray, readRelocations, readRelr } from "./relocations.js";
import type { ElfNote } from "./notes.js";
import type { ByteReader } from "./reader.js";
import { StringTable } from "./string-table.js";
import { countFromGnuHash, countFromRelocations, countFromSysvHash, readSymbols } from "./symbols.js";
import type { RawSymbol, RelocationTable, SymbolTableLocation } from "./symbols.js";
import { readVerdef, readVerneed, readVersym } from "./versions.js";
import type { VersionNeeds, VersionTable } from "./versions.js";
import type { ElfFile, ElfMachine, ElfSection, ElfSymbol } from "./types.js";
import { hex } from "../util/hex.js";
import { byName, compareOptional } from "../util/compare.js";


/** Symbol kinds kept from .symtab: functions and data objects (incl. TLS, ifunc and common). */
const SYMTAB_KINDS = new Set(["func", "ifunc", "object", "tls", "common"]);
const SHF_TLS = 0x400;

/**
 * Parses an ELF file. Throws ElfParseError only when the file is unusable (not ELF, truncated header,
 * bad class or byte order, or neither header table readable). Damage confined to an optional table is
 * reported in `warnings` and that part comes back empty.
 */
export function readElf(bytes: Uint8Array): ElfFile {
  let reader: ByteReader;
  let tables: ReturnType<typeof readHeaderTables>;
  try {
    reader = openElf(bytes);
    tables = readHeaderTables(reader);
  } catch (err) {
    if (err instanceof ElfParseError) throw err;
    throw new ElfParseError(`unreadable ELF headers: ${String((err as Error)?.message ?? err)}`);
  }
  return new ElfBuilder(reader, tables).build();
}

class ElfBuilder {
  private readonly warnings: string[];
  private readonly map: AddressMap;
  private readonly sectionsOk: boolean;

  constructor(
    private readonly reader: ByteReader,
    private readonly tables: ReturnType<typeof readHeaderTables>,
  ) {
    this.warnings = [...tables.warnings];
    this.map = new AddressMap(tables.segments, reader.length);
    this.sectionsOk = tables.sectionHeaders === "ok";
  }

  /** Runs one table's reader; an error there becomes a warning and the fallback value. */
  private guard<T>(label: string, fallback: T, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      const prefix = err instanceof ElfParseError ? "" : "internal error: ";
      this.warnings.push(`${label}: ${prefix}${String((err as Error)?.message ?? err)}; ignored`);
      return fallback;
    }
  }

  build(): ElfFile {
    const { reader, tables } = this;
    const segments = tables.segments;
    const sections = tables.sections;

    const interp = this.guard("PT_INTERP", undefined, () => readInterp(reader, segments, this.warnings));
    const emptyDyn: DynamicInfo = { present: false, needed: [], rpath: [], runpath: [], flags: 0, flags1: 0 };
    const dyn = this.guard("dynamic table", emptyDyn, () => readDynamic(reader, segments, sections, this.warnings));

    const dynsymSection = this.sectionsOk ? sections.find((s) => s.type === SHT_DYNSYM) : undefined;
    const dynstr = this.guard("dynamic string table", undefined, () => this.locateDynstr(dyn, dynsymSection));

    const needed = this.dynStrings(dyn.needed, dynstr, "DT_NEEDED");
    const rpath = splitPaths(this.dynStrings(dyn.rpath, dynstr, "DT_RPATH"));
    const runpath = splitPaths(this.dynStrings(dyn.runpath, dynstr, "DT_RUNPATH"));
    const soname = dyn.soname === undefined ? undefined : this.dynStrings([dyn.soname], dynstr, "DT_SONAME")[0];

    const dynsyms = this.guard("dynamic symbols", [] as RawSymbol[], () => {
      const where = this.locateDynsym(dyn, dynsymSection);
      if (where === undefined) return [];
      const strings = (where.label === "DT_SYMTAB" ? undefined : this.linkedStrings(dynsymSection)) ?? dynstr;
      return readSymbols(reader, where, strings, this.warnings);
    });

    const versym = dynsyms.length === 0 ? [] : this.guard("symbol versions", [] as number[], () => this.readVersym(dyn, dynsyms.length));
    const verneed = this.guard("version needs", { needs: [], byIndex: new Map() }, () =>
      this.readVerneed(dyn, dynstr),
    );
    const verdef = this.guard("version definitions", new Map<number, string>(), () => this.readVerdef(dyn, dynstr));

    const imports: ElfSymbol[] = [];
    const exports: ElfSymbol[] = [];
    for (const raw of dynsyms) {
      if (raw.index === 0 || raw.name === "") continue;
      const sym = toSymbol(raw);
      const v = versym[raw.index];
      if (v !== undefined && v >= 2) {
        const need = verneed.byIndex.get(v);
        const def = verdef.get(v);
        if (need !== undefined) {
          sym.version = need.name;
          if (need.file !== "") sym.library = need.file;
        } else if (def !== undefined) {
          sym.version = def;
        }
      }
      if (raw.shndx === SHN_UNDEF) imports.push(sym);
      else if (raw.binding === "global" || raw.binding === "weak" || raw.binding === "unique") exports.push(sym);
    }
    imports.sort(bySymbol);
    exports.sort(bySymbol);

    const versionOf = (index: number): string | undefined => {
      const v = versym[index];
      if (v === undefined || v < 2) return undefined;
      return verneed.byIndex.get(v)?.name ?? verdef.get(v);
    };
    const relocs = this.guard("relocations", { slots: [], relative: [], relativeSlots: [] }, () =>
      readRelocations(reader, this.map, tables.machineCode, this.allRelocationTables(dyn), dynsyms, versionOf),
    );
    const relrSlots: number[] = [];
    const relr = this.guard("DT_RELR", [] as number[], () => readRelr(reader, this.map, dyn.relr, dyn.relrsz, relrSlots));
    if (relr.length === relrSlots.length) {
      relocs.relative.push(...relr);
      relocs.relativeSlots.push(...relrSlots);
    }
    const initFini = this.guard("init/fini arrays", [] as number[], () => this.initFini(dyn));

    const symtabSection = this.sectionsOk ? sections.find((s) => s.type === SHT_SYMTAB) : undefined;
    const symtab = symtabSection === undefined ? [] : this.guard(".symtab", [] as ElfSymbol[], () => this.readSymtab(symtabSection));

    const goFuncs = this.sectionsOk ? this.guard(".gopclntab", [] as { name: string; addr: number }[], () => readGoPclntab(reader, sections, this.warnings)) : [];
    const tls = segments.some((s) => s.type === PT_TLS) || (tables.programHeaders !== "ok" && sections.some((s) => (s.flags & SHF_TLS) !== 0));
    const stack = segments.find((s) => s.type === PT_GNU_STACK);
    const notes = this.guard("notes", [] as ElfNote[], () => this.readAllNotes());

    const classification = this.guard(
      "classification",
      {
        linkage: "static",
        pie: false,
        libc: "unknown",
        libcEvidence: "classification failed",
        stripped: symtabSection === undefined,
        sectionHeaders: this.sectionsOk,
        rust: false,
      },
      () =>
        classify({
          fileType: tables.fileType,
          entry: tables.entry,
          interp,
          hasDynamic: dyn.present,
          needed,
          dtFlags1: dyn.flags1,
          versionNeeds: verneed.needs,
          sectionNames: new Set(sections.map((s) => s.name)),
          symtabNames: new Set(symtab.map((s) => s.name)),
          notes,
          hasSymtab: symtabSection !== undefined,
          sectionHeaders: this.sectionsOk,
          // Strings sit in data, not code: with section headers, the executable sections (most of the file) are skipped.
          fileContains: (needle) =>
            this.sectionsOk && sections.length > 0
              ? sections.some(
                  (s) =>
                    s.type !== SHT_NOBITS &&
                    (s.flags & SHF_EXECINSTR) === 0 &&
                    s.size > 0 &&
                    reader.inBounds(s.offset, Math.min(s.size, reader.length - s.offset)) &&
                    contains(reader.bytes.subarray(s.offset, s.offset + s.size), needle),
                )
              : contains(reader.bytes, needle),
          image: { bytes: reader.bytes, segments, sections: this.sectionsOk ? sections : [] },
          dataContains: (needle) =>
            segments.some(
              (s) =>
                s.type === PT_LOAD &&
                (s.flags & PF_W) !== 0 &&
                reader.inBounds(s.offset, Math.min(s.filesz, reader.length - s.offset)) &&
                contains(reader.bytes.subarray(s.offset, s.offset + s.filesz), needle),
            ),
        }),
    );

    const file: ElfFile = {
      bits: reader.bits,
      endian: reader.little ? "little" : "big",
      machine: machineName(tables.machineCode),
      machineCode: tables.machineCode,
      fileType: tables.fileType,
      entry: tables.entry,
      segments,
      sections,
      needed,
      rpath,
      runpath,
      dtFlags: dyn.flags,
      dtFlags1: dyn.flags1,
      imports,
      exports,
      symtab,
      goFuncs,
      versionNeeds: verneed.needs,
      symbolSlots: relocs.slots,
      relativeTargets: relocs.relative,
      relativeSlots: relocs.relativeSlots,
      initFini,
      tls,
      classification,
      warnings: this.warnings,
    };
    if (interp !== undefined) file.interp = interp;
    if (soname !== undefined) file.soname = soname;
    if (stack !== undefined) file.execStack = (stack.flags & PF_X) !== 0;
    return file;
  }

  /** A section's sh_link string table, when it is a readable SHT_STRTAB. */
  private linkedStrings(section: ElfSection | undefined): StringTable | undefined {
    if (section === undefined) return undefined;
    const target = this.tables.sections[section.link];
    if (target === undefined || target.type !== SHT_STRTAB) return undefined;
    if (!this.reader.inBounds(target.offset, target.size)) {
      this.warnings.push(`${target.name || "string table"}: lies outside the file; ignored`);
      return undefined;
    }
    return new StringTable(this.reader, target.offset, target.size, target.name || `section ${section.link}`);
  }

  /**
   * The dynamic string table. With section headers, the table linked from .dynsym or .dynamic is used;
   * without them (stripped section table, which is unusual but valid) DT_STRTAB is mapped through PT_LOAD,
   * bounded by DT_STRSZ and by the segment's file image.
   */
  private locateDynstr(dyn: DynamicInfo, dynsymSection: ElfSection | undefined): StringTable | undefined {
    let fromSection: StringTable | undefined;
    if (this.sectionsOk) {
      fromSection =
        this.linkedStrings(dynsymSection) ?? this.linkedStrings(this.tables.sections.find((s) => s.type === SHT_DYNAMIC));
    }
    if (dyn.strtab === undefined) return fromSection;
    const m = this.map.map(dyn.strtab);
    if (m === undefined) {
      this.warnings.push(
        `DT_STRTAB ${hex(dyn.strtab)} lies outside every PT_LOAD; ${fromSection === undefined ? "no dynamic names" : `using section ${fromSection.source}`}`,
      );
      return fromSection;
    }
    if (fromSection !== undefined) return fromSection;
    let size = m.available;
    if (dyn.strsz !== undefined) {
      if (dyn.strsz > m.available) this.warnings.push(`DT_STRSZ ${dyn.strsz} runs past its PT_LOAD; clipped to ${m.available}`);
      size = Math.min(dyn.strsz, m.available);
    }
    return new StringTable(this.reader, m.offset, size, "DT_STRTAB");
  }

  private dynStrings(indices: readonly number[], strings: StringTable | undefined, tag: string): string[] {
    const out: string[] = [];
    let missing = 0;
    for (const i of indices) {
      const s = strings?.get(i);
      if (s === undefined) missing++;
      else out.push(s);
    }
    if (missing > 0) this.warnings.push(`${tag}: ${missing} name(s) unavailable (${strings === undefined ? "no dynamic string table" : `outside ${strings.source}`})`);
    return out;
  }

  /** .dynsym from the section headers, else DT_SYMTAB with a count from DT_HASH or DT_GNU_HASH. */
  private locateDynsym(dyn: DynamicInfo, section: ElfSection | undefined): SymbolTableLocation | undefined {
    const std = SIZES[this.reader.bits].sym;
    if (section !== undefined && !this.reader.inBounds(section.offset, section.size)) {
      this.warnings.push(`${section.name || ".dynsym"}: lies outside the file; trying DT_SYMTAB`);
    } else if (section !== undefined) {
      const entsize = section.entsize >= std ? section.entsize : std;
      return { offset: section.offset, count: Math.floor(section.size / entsize), entsize, label: section.name || ".dynsym" };
    }
    if (dyn.symtab === undefined) return undefined;
    const m = this.map.map(dyn.symtab);
    if (m === undefined) {
      this.warnings.push(`DT_SYMTAB ${hex(dyn.symtab)} lies outside every PT_LOAD; no dynamic symbols`);
      return undefined;
    }
    const entsize = dyn.syment !== undefined && dyn.syment >= std ? dyn.syment : std;
    const fits = Math.floor(m.available / entsize);
    let count: number | undefined;
    if (dyn.hash !== undefined) {
      const h = this.map.map(dyn.hash);
      if (h === undefined) this.warnings.push(`DT_HASH ${hex(dyn.hash)} lies outside every PT_LOAD`);
      else count = this.guard("DT_HASH", undefined, () => countFromSysvHash(this.reader, h.offset));
    }
    if (count === undefined && dyn.gnuHash !== undefined) {
      const g = this.map.map(dyn.gnuHash);
      if (g === undefined) this.warnings.push(`DT_GNU_HASH ${hex(dyn.gnuHash)} lies outside every PT_LOAD`);
      else count = this.guard("DT_GNU_HASH", undefined, () => countFromGnuHash(this.reader, g.offset, g.available));
    }
    // A GNU hash table does not cover unhashed (undefined) symbols after symoffset, so relocations,
    // which name every symbol the loader binds, also bound the count.
    const relocCount = this.guard("dynamic relocations", 0, () => countFromRelocations(this.reader, this.relocationTables(dyn)));
    if (count !== undefined) {
      count = Math.max(count, relocCount);
    } else {
      // No usable hash table. The linker puts .dynstr right after .dynsym, so the gap is a fair size.
      const gap = dyn.strtab !== undefined && dyn.strtab > dyn.symtab ? Math.floor((dyn.strtab - dyn.symtab) / entsize) : 0;
      count = Math.max(relocCount, Math.min(gap, fits));
      if (count === 0) {
        this.warnings.push("DT_SYMTAB: no usable hash table, relocations or layout hint to size it; no dynamic symbols");
        return undefined;
      }
      this.warnings.push(`DT_SYMTAB: no usable hash table; assuming ${count} symbols from relocations and layout`);
    }
    if (count > fits) {
      this.warnings.push(`DT_SYMTAB: ${count} symbols run past their PT_LOAD; reading ${fits}`);
      count = fits;
    }
    return { offset: m.offset, count, entsize, label: "DT_SYMTAB" };
  }

  /** DT_RELA, DT_REL and DT_JMPREL tables that map into the file. */
  private relocationTables(dyn: DynamicInfo): RelocationTable[] {
    const out: RelocationTable[] = [];
    const add = (addr: number | undefined, size: number | undefined, entsize: number | undefined, rela: boolean): void => {
      if (addr === undefined || size === undefined || size === 0) return;
      const m = this.map.map(addr);
      if (m === undefined) return;
      out.push({ offset: m.offset, size: Math.min(size, m.available), entsize: entsize ?? 0, rela });
    };
    add(dyn.rela, dyn.relasz, dyn.relaent, true);
    add(dyn.rel, dyn.relsz, dyn.relent, false);
    // DT_PLTREL says whether the PLT relocations are RELA (7) or REL (17).
    const pltRela = dyn.pltrel === undefined ? dyn.rela !== undefined || dyn.rel === undefined : dyn.pltrel === 7;
    add(dyn.jmprel, dyn.pltrelsz, pltRela ? dyn.relaent : dyn.relent, pltRela);
    return out;
  }

  /** The dynamic relocation tables; without PT_DYNAMIC (static binaries), the SHT_RELA/SHT_REL sections. */
  private allRelocationTables(dyn: DynamicInfo): RelocationTable[] {
    if (dyn.present) return this.relocationTables(dyn);
    if (!this.sectionsOk) return [];
    return this.tables.sections
      .filter((s) => (s.type === SHT_RELA || s.type === SHT_REL) && s.addr !== 0)
      .map((s) => ({ offset: s.offset, size: this.clipToFile(s.offset, s.size), entsize: s.entsize, rela: s.type === SHT_RELA }));
  }

  /** DT_INIT/DT_FINI and the array entries; the arrays from their sections when present, else from the tags. */
  private initFini(dyn: DynamicInfo): number[] {
    const out: number[] = [];
    if (dyn.init !== undefined && dyn.init !== 0) out.push(dyn.init);
    if (dyn.fini !== undefined && dyn.fini !== 0) out.push(dyn.fini);
    const arrays = this.sectionsOk
      ? this.tables.sections
          .filter((s) => s.type === SHT_INIT_ARRAY || s.type === SHT_FINI_ARRAY || s.type === SHT_PREINIT_ARRAY)
          .map((s) => ({ addr: s.addr, size: s.size }))
      : [
          { addr: dyn.initArray, size: dyn.initArraySz },
          { addr: dyn.finiArray, size: dyn.finiArraySz },
          { addr: dyn.preinitArray, size: dyn.preinitArraySz },
        ];
    for (const a of arrays) out.push(...readPointerArray(this.reader, this.map, a.addr, a.size));
    return out;
  }

  private readVersym(dyn: DynamicInfo, count: number): number[] {
    if (this.sectionsOk) {
      const sec = this.tables.sections.find((s) => s.type === SHT_GNU_VERSYM);
      if (sec !== undefined) {
        const available = this.clipToFile(sec.offset, sec.size);
        return readVersym(this.reader, sec.offset, count, available);
      }
    }
    if (dyn.versym === undefined) return [];
    const m = this.map.map(dyn.versym);
    if (m === undefined) {
      this.warnings.push(`DT_VERSYM ${hex(dyn.versym)} lies outside every PT_LOAD; symbol versions unknown`);
      return [];
    }
    return readVersym(this.reader, m.offset, count, m.available);
  }

  private versionTable(
    sectionType: number,
    addr: number | undefined,
    num: number | undefined,
    tag: string,
    dynstr: StringTable | undefined,
  ): { table: VersionTable; strings: StringTable | undefined } | undefined {
    if (this.sectionsOk) {
      const sec = this.tables.sections.find((s) => s.type === sectionType);
      if (sec !== undefined) {
        const table = { offset: sec.offset, count: sec.info, available: this.clipToFile(sec.offset, sec.size), label: sec.name || tag };
        return { table, strings: this.linkedStrings(sec) ?? dynstr };
      }
    }
    if (addr === undefined) return undefined;
    const m = this.map.map(addr);
    if (m === undefined) {
      this.warnings.push(`${tag} ${hex(addr)} lies outside every PT_LOAD; ignored`);
      return undefined;
    }
    // Without a count tag the walk still ends at vn_next/vd_next = 0 or the table's end.
    const count = num ?? Number.MAX_SAFE_INTEGER;
    return { table: { offset: m.offset, count, available: m.available, label: tag }, strings: dynstr };
  }

  private readVerneed(dyn: DynamicInfo, dynstr: StringTable | undefined): VersionNeeds {
    const t = this.versionTable(SHT_GNU_VERNEED, dyn.verneed, dyn.verneednum, "DT_VERNEED", dynstr);
    if (t === undefined) return { needs: [], byIndex: new Map() };
    return readVerneed(this.reader, t.table, t.strings, this.warnings);
  }

  private readVerdef(dyn: DynamicInfo, dynstr: StringTable | undefined): Map<number, string> {
    const t = this.versionTable(SHT_GNU_VERDEF, dyn.verdef, dyn.verdefnum, "DT_VERDEF", dynstr);
    if (t === undefined) return new Map();
    return readVerdef(this.reader, t.table, t.strings, this.warnings);
  }

  /** .symtab functions and objects in table order; "name@VERSION" / "name@@VERSION" names are split. */
  private readSymtab(section: ElfSection): ElfSymbol[] {
    const std = SIZES[this.reader.bits].sym;
    const entsize = section.entsize >= std ? section.entsize : std;
    const where = { offset: section.offset, count: Math.floor(section.size / entsize), entsize, label: section.name || ".symtab" };
    const raws = readSymbols(this.reader, where, this.linkedStrings(section), this.warnings);
    const out: ElfSymbol[] = [];
    for (const raw of raws) {
      if (!SYMTAB_KINDS.has(raw.kind) || raw.name === "") continue;
      const sym = toSymbol(raw);
      const at = raw.name.indexOf("@");
      if (at > 0) {
        sym.name = raw.name.slice(0, at);
        const version = raw.name.slice(at).replace(/^@@?/, "");
        if (version !== "") sym.version = version;
      }
      out.push(sym);
    }
    return out;
  }

  /** Notes from PT_NOTE segments, or from SHT_NOTE sections when there are no program headers. */
  private readAllNotes(): ElfNote[] {
    const notes: ElfNote[] = [];
    const segs = this.tables.segments.filter((s) => s.type === PT_NOTE);
    if (segs.length > 0) {
      for (const s of segs) notes.push(...readNotes(this.reader, s.offset, s.filesz));
    } else {
      for (const s of this.tables.sections) if (s.type === SHT_NOTE) notes.push(...readNotes(this.reader, s.offset, s.size));
    }
    return notes;
  }

  private clipToFile(offset: number, size: number): number {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= this.reader.length) return 0;
    return Math.min(size, this.reader.length - offset);
  }
}

function toSymbol(raw: RawSymbol): ElfSymbol {
  return {
    name: raw.name,
    kind: raw.kind,
    binding: raw.binding,
    value: raw.value,
    size: raw.size,
    undefined: raw.shndx === SHN_UNDEF,
  };
}

/** Sort by name, then version (unversioned first), then library. */
function bySymbol(a: ElfSymbol, b: ElfSymbol): number {
  return byName(a, b) || compareOptional(a.version, b.version) || compareOptional(a.library, b.library);
}

function splitPaths(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(":")).filter((p) => p !== "");
}

function machineName(code: number): ElfMachine {
  if (code === EM_X86_64) return "x86_64";
  if (code === EM_AARCH64) return "aarch64";
  return "other";
}

const SHF_EXECINSTR = 4;

function contains(haystack: Uint8Array, needle: string): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(Buffer.from(needle, "latin1")) >= 0;
}
