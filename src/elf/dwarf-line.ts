// @fileoverview The DWARF line table (.debug_line, versions 2 to 5, 32- and 64-bit DWARF): address → file:line:column,
// as addr2line answers it. Every read goes through the bounds-checked ByteReader over the section's bytes; a unit that
// cannot be read ends the table with a warning, and the units before it stay usable. linesAt answers a few addresses
// in one pass without keeping the table: memory is one sequence's rows, however large the table.

import { ElfParseError } from "./errors.js";
import { ByteReader } from "./reader.js";
import type { ElfFile, ElfSection } from "./types.js";

export interface LineRow {
  address: number;
  /** The file as the table names it: directory joined with the name unless the name is absolute. */
  file: string;
  line: number;
  /** 1-based; 0 when the table does not say. */
  column: number;
}

export interface LineTable {
  /** Sequences of rows in address order; each ends where its end_sequence row put `end`. */
  sequences: { rows: LineRow[]; end: number }[];
  warnings: string[];
}

const SHF_COMPRESSED = 0x800;
/** The largest .debug_line read (a table is read only for a binary scanned with its sources). */
export const MAX_LINE_SECTION = 256 * 1024 * 1024;
/** A unit's program stops after this many rows: a table that loops cannot make the scan quadratic. */
const MAX_ROWS = 4_000_000;

// DW_FORM_* used in DWARF 5 directory and file entries.
const FORM = { block: 0x09, data1: 0x0b, data2: 0x05, data4: 0x06, data8: 0x07, data16: 0x1e, string: 0x08, strp: 0x0e, udata: 0x0f, lineStrp: 0x1f, strx: 0x1a, strx1: 0x25, strx2: 0x26, strx3: 0x27, strx4: 0x28, sdata: 0x0d } as const;
const LNCT_PATH = 1;
const LNCT_DIRECTORY_INDEX = 2;

/** A cursor over one section's bytes. */
class Cursor {
  constructor(
    readonly r: ByteReader,
    public at: number,
  ) {}
  u8(): number {
    return this.r.u8(this.at++, "debug_line");
  }
  u16(): number {
    const v = this.r.u16(this.at, "debug_line");
    this.at += 2;
    return v;
  }
  u32(): number {
    const v = this.r.u32(this.at, "debug_line");
    this.at += 4;
    return v;
  }
  u64(): number {
    const v = this.r.u64(this.at, "debug_line");
    this.at += 8;
    return v;
  }
  uleb(): number {
    return this.leb(false);
  }
  sleb(): number {
    return this.leb(true);
  }
  /** LEB128, unsigned or signed; exact up to 2^53. */
  private leb(signed: boolean): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return signed && (b & 0x40) !== 0 ? result - scale : result;
    }
    throw new ElfParseError("debug_line: LEB128 longer than 10 bytes", this.at);
  }
  cstring(end: number): string {
    const s = this.r.cstring(this.at, end, "debug_line string");
    this.at += Buffer.byteLength(s) + 1;
    return s;
  }
  skip(n: number): void {
    this.r.check(this.at, n, "debug_line");
    this.at += n;
  }
}

function join(dir: string | undefined, name: string): string {
  if (name.startsWith("/") || dir === undefined || dir === "") return name;
  return `${dir.replace(/\/+$/, "")}/${name}`;
}

function section(elf: ElfFile, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.name === name && s.type !== 8 /* SHT_NOBITS */);
}

/** A section's bytes, or undefined when they cannot be had (the caller may read them from the file on demand). */
export type SectionBytes = (s: ElfSection) => Uint8Array | undefined;

/** The sections of an ELF file held whole in `bytes`. */
export const inFile = (bytes: Uint8Array): SectionBytes => (s) => (s.offset + s.size > bytes.length ? undefined : bytes.subarray(s.offset, s.offset + s.size));

/**
 * Runs every unit's line program of the file's .debug_line and hands each sequence to `visit` as it ends. Returns
 * undefined when there is no .debug_line, else the warnings (a unit that cannot be read ends the walk).
 */
function walk(elf: ElfFile, bytesOf: SectionBytes, visit: (rows: LineRow[], end: number) => void, limit: number): string[] | undefined {
  const line = section(elf, ".debug_line");
  if (line === undefined) return undefined;
  if ((line.flags & SHF_COMPRESSED) !== 0) return [".debug_line is compressed: not read"];
  if (line.size > limit) return [`.debug_line is ${line.size} bytes, over the ${limit}-byte limit: not read`];
  const little = elf.endian === "little";
  const sub = (s: ElfSection | undefined): ByteReader | undefined => {
    if (s === undefined || (s.flags & SHF_COMPRESSED) !== 0 || s.size > limit) return undefined;
    const b = bytesOf(s);
    return b === undefined ? undefined : new ByteReader(b, little, elf.bits);
  };
  const r = sub(line);
  if (r === undefined) return [".debug_line lies outside the file"];
  const lineStr = sub(section(elf, ".debug_line_str"));
  const str = sub(section(elf, ".debug_str"));
  const warnings: string[] = [];
  let at = 0;
  while (at < r.length) {
    try {
      at = readUnit(new Cursor(r, at), visit, lineStr, str);
    } catch (e) {
      if (!(e instanceof ElfParseError)) throw e;
      warnings.push(`.debug_line unit at 0x${at.toString(16)}: ${e.message}; the rest of the table is not read`);
      break;
    }
  }
  return warnings;
}

/** The line table of an ELF file's .debug_line, or undefined when it has none. */
export function readLineTable(elf: ElfFile, bytes: Uint8Array): LineTable | undefined {
  const sequences: LineTable["sequences"] = [];
  const warnings = walk(elf, inFile(bytes), (rows, end) => sequences.push({ rows, end }), MAX_LINE_SECTION);
  if (warnings === undefined) return undefined;
  sequences.sort((a, b) => (a.rows[0]?.address ?? 0) - (b.rows[0]?.address ?? 0));
  return { sequences, warnings };
}

/** The last row at or before `address` in a sequence's rows (rows at the same address: the last, as addr2line). */
function rowAt(rows: readonly LineRow[], address: number): LineRow {
  let a = 0;
  let b = rows.length - 1;
  while (a < b) {
    const m = (a + b + 1) >> 1;
    if ((rows[m] as LineRow).address <= address) a = m;
    else b = m - 1;
  }
  return rows[a] as LineRow;
}

/**
 * The rows of a few addresses (as lineAt answers them over the whole table), read in one pass over .debug_line that
 * keeps one sequence at a time. Undefined when the file has no .debug_line; addresses no sequence holds are absent.
 */
export function linesAt(
  elf: ElfFile,
  bytesOf: SectionBytes,
  addresses: readonly number[],
  limit = MAX_LINE_SECTION,
): { rows: Map<number, LineRow>; warnings: string[] } | undefined {
  const wanted = [...new Set(addresses)].sort((a, b) => a - b);
  const found = new Map<number, { row: LineRow; start: number }>();
  const warnings = walk(elf, bytesOf, (rows, end) => {
    const start = (rows[0] as LineRow).address;
    // The first sequence wanted at or after start.
    let i = 0;
    let j = wanted.length;
    while (i < j) {
      const m = (i + j) >> 1;
      if ((wanted[m] as number) < start) i = m + 1;
      else j = m;
    }
    for (; i < wanted.length && (wanted[i] as number) < end; i++) {
      const a = wanted[i] as number;
      // Overlapping sequences (discarded code relocated to 0): the one starting lowest answers, as in lineAt.
      const had = found.get(a);
      if (had === undefined || start < had.start) found.set(a, { row: rowAt(rows, a), start });
    }
  }, limit);
  if (warnings === undefined) return undefined;
  return { rows: new Map([...found].map(([a, x]) => [a, x.row])), warnings };
}

/** Reads one unit at c.at, appends its sequences, and returns where the next unit starts. */
function readUnit(c: Cursor, visit: (rows: LineRow[], end: number) => void, lineStr: ByteReader | undefined, str: ByteReader | undefined): number {
  let length = c.u32();
  let offsetSize = 4;
  if (length === 0xffffffff) {
    length = c.u64();
    offsetSize = 8;
  } else if (length >= 0xfffffff0) throw new ElfParseError(`reserved unit length 0x${length.toString(16)}`, c.at - 4);
  const end = c.at + length;
  c.r.check(c.at, length, "debug_line unit");
  const version = c.u16();
  if (version < 2 || version > 5) throw new ElfParseError(`DWARF version ${version} is not read`, c.at - 2);
  let addressSize = c.r.bits / 8;
  if (version >= 5) {
    addressSize = c.u8();
    c.u8(); // segment selector size
  }
  const headerLength = offsetSize === 8 ? c.u64() : c.u32();
  const programStart = c.at + headerLength;
  const minInst = c.u8();
  if (version >= 4) c.u8(); // maximum operations per instruction (VLIW only)
  c.u8(); // default_is_stmt
  const lineBase = (c.u8() << 24) >> 24;
  const lineRange = c.u8();
  const opcodeBase = c.u8();
  if (lineRange === 0) throw new ElfParseError("line_range is 0", c.at - 2);
  const stdLengths: number[] = [0];
  for (let i = 1; i < opcodeBase; i++) stdLengths.push(c.u8());

  const dirs: string[] = [];
  const files: { name: string; dir: number }[] = [];
  const offsetString = (r: ByteReader | undefined, what: string): string => {
    const off = offsetSize === 8 ? c.u64() : c.u32();
    if (r === undefined) throw new ElfParseError(`${what} string without its section`, c.at);
    return r.cstring(off, r.length, what);
  };
  if (version >= 5) {
    const entries = (): { path: string; dir: number }[] => {
      const formatCount = c.u8();
      const format: [number, number][] = [];
      for (let i = 0; i < formatCount; i++) format.push([c.uleb(), c.uleb()]);
      const count = c.uleb();
      const list: { path: string; dir: number }[] = [];
      for (let i = 0; i < count && c.at < end; i++) {
        let path = "";
        let dir = 0;
        for (const [type, form] of format) {
          let v: string | number;
          switch (form) {
            case FORM.string: v = c.cstring(end); break;
            case FORM.lineStrp: v = offsetString(lineStr, ".debug_line_str"); break;
            case FORM.strp: v = offsetString(str, ".debug_str"); break;
            case FORM.udata: v = c.uleb(); break;
            case FORM.sdata: v = c.sleb(); break;
            case FORM.data1: v = c.u8(); break;
            case FORM.data2: v = c.u16(); break;
            case FORM.data4: v = c.u32(); break;
            case FORM.data8: v = c.u64(); break;
            case FORM.data16: c.skip(16); v = 0; break;
            case FORM.block: c.skip(c.uleb()); v = 0; break;
            default:
              throw new ElfParseError(`form 0x${form.toString(16)} in an entry format is not read`, c.at);
          }
          if (type === LNCT_PATH && typeof v === "string") path = v;
          else if (type === LNCT_DIRECTORY_INDEX && typeof v === "number") dir = v;
        }
        list.push({ path, dir });
      }
      return list;
    };
    for (const d of entries()) dirs.push(d.path);
    for (const f of entries()) files.push({ name: f.path, dir: f.dir });
  } else {
    // DWARF 2-4: directory 0 and file 0 are the unit's own (not listed); the lists count from 1.
    dirs.push("");
    for (let s = c.cstring(end); s !== ""; s = c.cstring(end)) dirs.push(s);
    files.push({ name: "", dir: 0 });
    for (let s = c.cstring(end); s !== ""; s = c.cstring(end)) {
      const dir = c.uleb();
      c.uleb(); // modification time
      c.uleb(); // length
      files.push({ name: s, dir });
    }
  }
  // Names are joined once per file index (every row of a file shares the string).
  const names: string[] = [];
  const fileName = (i: number): string => {
    let n = names[i];
    if (n === undefined) {
      const f = files[i];
      n = f === undefined ? `<file ${i}>` : join(dirs[f.dir], f.name);
      if (i < 1 << 16) names[i] = n;
    }
    return n;
  };

  c.at = programStart;
  let address = 0;
  let file = 1;
  let lineNo = 1;
  let column = 0;
  let rows: LineRow[] = [];
  let count = 0;
  const emit = (): void => {
    if (++count > MAX_ROWS) throw new ElfParseError(`more than ${MAX_ROWS} rows`, c.at);
    rows.push({ address, file: fileName(file), line: lineNo, column });
  };
  while (c.at < end) {
    const op = c.u8();
    if (op >= opcodeBase) {
      const adjusted = op - opcodeBase;
      address += minInst * Math.floor(adjusted / lineRange);
      lineNo += lineBase + (adjusted % lineRange);
      emit();
      continue;
    }
    switch (op) {
      case 0: {
        const len = c.uleb();
        const next = c.at + len;
        c.r.check(c.at, len, "extended opcode");
        const sub = len > 0 ? c.u8() : 0;
        if (sub === 1) {
          // end_sequence: the address is one past the sequence
          if (rows.length > 0) visit(rows, address);
          rows = [];
          address = 0;
          file = 1;
          lineNo = 1;
          column = 0;
        } else if (sub === 2) {
          address = addressSize === 8 ? c.u64() : addressSize === 4 ? c.u32() : NaN;
          if (Number.isNaN(address)) throw new ElfParseError(`address size ${addressSize}`, c.at);
        } else if (sub === 3 && version <= 4) {
          const name = c.cstring(next);
          const dir = c.uleb();
          files.push({ name, dir });
        }
        c.at = next;
        break;
      }
      case 1: emit(); break;
      case 2: address += minInst * c.uleb(); break;
      case 3: lineNo += c.sleb(); break;
      case 4: file = c.uleb(); break;
      case 5: column = c.uleb(); break;
      case 8: address += minInst * Math.floor((255 - opcodeBase) / lineRange); break;
      case 9: address += c.u16(); break;
      default:
        // negate_stmt, basic_block, prologue_end, epilogue_begin, set_isa and unknown ones: their
        // operands are skipped as the header counts them.
        for (let i = 0; i < (stdLengths[op] ?? 0); i++) c.uleb();
    }
  }
  return end;
}

/** The file:line of an address, as addr2line gives it: the last row at or before it in the sequence holding it. */
export function lineAt(table: LineTable, address: number): LineRow | undefined {
  // Sequences may overlap (discarded code relocated to address 0): the first that holds the address answers.
  for (const s of table.sequences) {
    const first = s.rows[0];
    if (first === undefined || address < first.address || address >= s.end) continue;
    return rowAt(s.rows, address);
  }
  return undefined;
}
