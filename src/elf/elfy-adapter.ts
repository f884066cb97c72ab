// @fileoverview The only importer of elfy: ELF ident check, ELF header, program headers and section headers, normalised to numbers.

import elfy from "elfy";
import type { ElfyHeader } from "elfy";
import { ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, SHN_XINDEX, SHT_STRTAB, SIZES } from "./constants.js";
import { ElfParseError } from "./errors.js";
import { ByteReader } from "./reader.js";
import type { ElfSection, ElfSegment } from "./types.js";
import { hex } from "../util/hex.js";
import { isElfMagic } from "./magic.js";

/** "ok": table read; "absent": the header says there is none; "bad": the header points at something unreadable. */
export type TableState = "ok" | "absent" | "bad";

export interface HeaderTables {
  machineCode: number;
  fileType: number;
  entry: number;
  segments: ElfSegment[];
  programHeaders: TableState;
  sections: ElfSection[];
  sectionHeaders: TableState;
  warnings: string[];
}


/**
 * Checks e_ident and returns a reader configured for the file's class and byte order.
 * Throws ElfParseError when the bytes are not an ELF file we can read at all.
 */
export function openElf(bytes: Uint8Array): ByteReader {
  if (bytes.byteLength < 16) throw new ElfParseError(`truncated ELF ident: ${bytes.byteLength} byte(s), need 16`, 0);
  if (!isElfMagic(bytes)) {
    throw new ElfParseError("not an ELF file (bad magic)", 0);
  }
  const cls = bytes[4];
  const data = bytes[5];
  if (cls !== ELFCLASS32 && cls !== ELFCLASS64) throw new ElfParseError(`bad EI_CLASS ${String(cls)}`, 4);
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) throw new ElfParseError(`bad EI_DATA ${String(data)}`, 5);
  const bits = cls === ELFCLASS64 ? 64 : 32;
  const need = SIZES[bits].ehdr;
  if (bytes.byteLength < need) {
    throw new ElfParseError(`truncated ELF header: ${bytes.byteLength} byte(s), need ${need}`, 0);
  }
  return new ByteReader(bytes, data === ELFDATA2LSB, bits);
}

/**
 * Reads the ELF header, program headers and section headers with elfy's Parser steps.
 *
 * elfy.parse() is not used: its resolveBody asserts that e_shstrndx names a string table, so a file with
 * stripped or corrupt section headers would lose everything. Calling parseHeader / parsePrograms /
 * parseSections separately confines a bad section table to the sections.
 *
 * elfy's byte-order handling is correct: endian-reader maps "lsb" to little and everything else ("msb")
 * to big, and its 64-bit reads combine the halves in the right order for both. What we do not take from
 * elfy: e_type/e_machine/p_type/sh_type (mapped to names, undefined for unknown values), p_flags/sh_flags
 * (mapped to objects) and, for ELF64, sh_addralign/sh_entsize (read at wrong offsets 46/54). Those are
 * re-read from the raw bytes here.
 */
export function readHeaderTables(reader: ByteReader): HeaderTables {
  const warnings: string[] = [];
  const sizes = SIZES[reader.bits];
  const buf = Buffer.from(reader.bytes.buffer, reader.bytes.byteOffset, reader.bytes.byteLength);
  const parser = new elfy.Parser();
  let header: ElfyHeader;
  try {
    header = parser.parseHeader(buf);
  } catch (err) {
    throw new ElfParseError(`unreadable ELF header: ${(err as Error).message}`, 0);
  }
  const machineCode = reader.u16(18, "e_machine");
  const fileType = reader.u16(16, "e_type");

  // Program headers.
  let segments: ElfSegment[] = [];
  let programHeaders: TableState = "absent";
  if (header.phnum !== 0 && header.phoff !== 0) {
    if (header.phentsize < sizes.phdr) {
      programHeaders = "bad";
      warnings.push(`program headers: e_phentsize ${header.phentsize} is smaller than ${sizes.phdr}; ignoring them`);
    } else {
      try {
        const programs = parser.parsePrograms(buf, header);
        segments = programs.map((p, i) => {
          const at = header.phoff + i * header.phentsize;
          return {
            type: reader.u32(at, "p_type"),
            offset: p.offset,
            vaddr: p.vaddr,
            filesz: p.filesz,
            memsz: p.memsz,
            flags: reader.u32(at + (reader.bits === 64 ? 4 : 24), "p_flags"),
          };
        });
        programHeaders = "ok";
      } catch {
        programHeaders = "bad";
        segments = [];
        warnings.push(
          `program headers: table at ${hex(header.phoff)} (${header.phnum} x ${header.phentsize} bytes) lies outside the ${reader.length}-byte file; ignoring them`,
        );
      }
    }
  } else if (header.phnum !== 0 || header.phoff !== 0) {
    warnings.push(`program headers: e_phoff ${hex(header.phoff)} with e_phnum ${header.phnum}; treating as absent`);
  }

  const { sections, state: sectionHeaders } = readSections(reader, parser, buf, header, warnings);

  if (programHeaders !== "ok" && sectionHeaders !== "ok") {
    if (programHeaders === "bad" || sectionHeaders === "bad") {
      throw new ElfParseError("neither the program header table nor the section header table is usable", header.phoff);
    }
    warnings.push("file has neither program headers nor section headers");
  }

  return { machineCode, fileType, entry: header.entry, segments, programHeaders, sections, sectionHeaders, warnings };
}

function readSections(
  reader: ByteReader,
  parser: InstanceType<typeof elfy.Parser>,
  buf: Buffer,
  header: ElfyHeader,
  warnings: string[],
): { sections: ElfSection[]; state: TableState } {
  const sizes = SIZES[reader.bits];
  const is64 = reader.bits === 64;
  if (header.shoff === 0) {
    if (header.shnum !== 0) warnings.push(`section headers: e_shnum ${header.shnum} but e_shoff is 0; treating as absent`);
    return { sections: [], state: "absent" };
  }
  if (header.shentsize < sizes.shdr) {
    warnings.push(`section headers: e_shentsize ${header.shentsize} is smaller than ${sizes.shdr}; using program headers`);
    return { sections: [], state: "bad" };
  }
  let shnum = header.shnum;
  let shstrndx = header.shstrndx;
  try {
    // Extended numbering: e_shnum 0 / e_shstrndx SHN_XINDEX put the real values in section 0.
    if (shnum === 0) shnum = reader.word(header.shoff + (is64 ? 32 : 20), "section 0 sh_size");
    if (shstrndx === SHN_XINDEX) shstrndx = reader.u32(header.shoff + (is64 ? 40 : 24), "section 0 sh_link");
  } catch {
    warnings.push(
      `section headers: table at ${hex(header.shoff)} lies outside the ${reader.length}-byte file; using program headers and PT_DYNAMIC`,
    );
    return { sections: [], state: "bad" };
  }
  if (shnum === 0) {
    warnings.push(`section headers: e_shoff ${hex(header.shoff)} but no sections; using program headers and PT_DYNAMIC`);
    return { sections: [], state: "absent" };
  }
  if (!reader.inBounds(header.shoff, shnum * header.shentsize)) {
    warnings.push(
      `section headers: table at ${hex(header.shoff)} (${shnum} x ${header.shentsize} bytes) lies outside the ${reader.length}-byte file; using program headers and PT_DYNAMIC`,
    );
    return { sections: [], state: "bad" };
  }
  let sections: ElfSection[];
  try {
    const raw = parser.parseSections(buf, { ...header, shnum });
    sections = raw.map((s, i) => {
      const at = header.shoff + i * header.shentsize;
      return {
        name: "",
        type: reader.u32(at + 4, "sh_type"),
        addr: s.addr,
        offset: s.off,
        size: s.size,
        flags: reader.word(at + 8, "sh_flags"),
        link: s.link,
        info: s.info,
        entsize: reader.word(at + (is64 ? 56 : 36), "sh_entsize"),
      };
    });
    // Names come from e_shstrndx; resolved separately so a bad string table only loses names.
    const nameOffsets = raw.map((s) => s.name);
    const strtab = sections[shstrndx];
    if (
      strtab === undefined ||
      strtab.type !== SHT_STRTAB ||
      !reader.inBounds(strtab.offset, strtab.size)
    ) {
      warnings.push(`section headers: e_shstrndx ${shstrndx} is not a readable string table; section names unknown`);
    } else {
      const end = strtab.offset + strtab.size;
      let bad = 0;
      sections.forEach((section, i) => {
        const off = nameOffsets[i] ?? 0;
        try {
          section.name = off < strtab.size ? reader.cstring(strtab.offset + off, end, "section name") : "";
          if (off >= strtab.size) bad++;
        } catch {
          bad++;
        }
      });
      if (bad > 0) warnings.push(`section headers: ${bad} section name(s) outside the section name string table`);
    }
  } catch {
    warnings.push(`section headers: table at ${hex(header.shoff)} is unreadable; using program headers and PT_DYNAMIC`);
    return { sections: [], state: "bad" };
  }
  return { sections, state: "ok" };
}
