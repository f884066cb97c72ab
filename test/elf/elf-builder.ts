// @fileoverview Test helper: hand-builds small ELF executables (ELF32/ELF64, little/big endian) with PT_LOAD, PT_INTERP, PT_DYNAMIC, .dynsym, a hash table and version needs.

export interface BuildOptions {
  bits: 32 | 64;
  little: boolean;
  /** e_machine; default 20 (PowerPC) for ELF32, 21 (PowerPC64) for ELF64. */
  machine?: number;
  /** Which table sizes .dynsym: SysV DT_HASH, DT_GNU_HASH, or none. */
  hash?: "sysv" | "gnu" | "none";
  interp?: string;
  /** Override the DT_STRTAB address (e.g. to point outside every PT_LOAD). */
  strtabAddr?: number;
}

export interface BuiltElf {
  bytes: Buffer;
  /** File offset of the PT_DYNAMIC table. */
  dynamicOffset: number;
}

const BASE = 0x10000;

/**
 * Layout (one PT_LOAD maps the whole file at BASE): ehdr, 4 phdrs (LOAD, INTERP, DYNAMIC, GNU_STACK),
 * interp, dynstr, dynsym (null, puts UND, foo_api defined), hash, versym, verneed, dynamic.
 * No section headers, so everything must be found through the program headers.
 */
export function buildElf(opts: BuildOptions): BuiltElf {
  const is64 = opts.bits === 64;
  const W = is64 ? 8 : 4;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const symsize = is64 ? 24 : 16;
  const dynsize = is64 ? 16 : 8;
  const hash = opts.hash ?? "sysv";
  const interp = opts.interp ?? "/lib/ld.so.1";

  const strings = ["", "libc.so.6", "puts", "GLIBC_2.0", "libfoo.so", "/opt/lib:/usr/local/lib", "foo_api"];
  const strIndex = new Map<string, number>();
  let strLen = 0;
  for (const s of strings) {
    strIndex.set(s, strLen);
    strLen += Buffer.byteLength(s) + 1;
  }
  const str = (s: string): number => strIndex.get(s) ?? 0;

  const align = (n: number, a: number): number => Math.ceil(n / a) * a;
  const phoff = ehsize;
  const phnum = 4;
  const interpOff = phoff + phnum * phentsize;
  const dynstrOff = interpOff + interp.length + 1;
  const dynsymOff = align(dynstrOff + strLen, 8);
  const nsyms = 3;
  const hashOff = dynsymOff + nsyms * symsize;
  const hashSize = hash === "sysv" ? 4 * (2 + 1 + nsyms) : hash === "gnu" ? 16 + W + 4 + 4 : 0;
  const versymOff = align(hashOff + hashSize, 8);
  const verneedOff = align(versymOff + nsyms * 2, 8);
  const dynamicOff = align(verneedOff + 32, 8);
  const tags: Array<[number, number]> = [
    [1, str("libc.so.6")],
    [1, str("libfoo.so")],
    [29, str("/opt/lib:/usr/local/lib")],
    [5, opts.strtabAddr ?? BASE + dynstrOff],
    [10, strLen],
    [6, BASE + dynsymOff],
    [11, symsize],
    ...(hash === "sysv" ? [[4, BASE + hashOff] as [number, number]] : []),
    ...(hash === "gnu" ? [[0x6ffffef5, BASE + hashOff] as [number, number]] : []),
    [0x6ffffff0, BASE + versymOff],
    [0x6ffffffe, BASE + verneedOff],
    [0x6fffffff, 1],
    [0, 0],
  ];
  const total = dynamicOff + tags.length * dynsize;

  const b = Buffer.alloc(total);
  const u16 = (o: number, v: number): void => void (opts.little ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const u32 = (o: number, v: number): void => void (opts.little ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const word = (o: number, v: number): void => {
    if (!is64) return u32(o, v);
    if (opts.little) b.writeBigUInt64LE(BigInt(v), o);
    else b.writeBigUInt64BE(BigInt(v), o);
  };

  // ELF header.
  b.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, opts.little ? 1 : 2, 1, 0], 0);
  u16(16, 2); // ET_EXEC
  u16(18, opts.machine ?? (is64 ? 21 : 20));
  u32(20, 1);
  word(24, BASE + dynamicOff); // e_entry: any address inside the load
  word(24 + W, phoff);
  word(24 + 2 * W, 0); // e_shoff: no section headers
  const h = 24 + 3 * W;
  u32(h, 0);
  u16(h + 4, ehsize);
  u16(h + 6, phentsize);
  u16(h + 8, phnum);
  u16(h + 10, is64 ? 64 : 40);
  u16(h + 12, 0);
  u16(h + 14, 0);

  // Program headers.
  const phdr = (i: number, type: number, offset: number, size: number, flags: number): void => {
    const o = phoff + i * phentsize;
    u32(o, type);
    if (is64) {
      u32(o + 4, flags);
      word(o + 8, offset);
      word(o + 16, BASE + offset);
      word(o + 24, BASE + offset);
      word(o + 32, size);
      word(o + 40, size);
      word(o + 48, type === 1 ? 0x1000 : 8);
    } else {
      u32(o + 4, offset);
      u32(o + 8, BASE + offset);
      u32(o + 12, BASE + offset);
      u32(o + 16, size);
      u32(o + 20, size);
      u32(o + 24, flags);
      u32(o + 28, type === 1 ? 0x1000 : 4);
    }
  };
  phdr(0, 1, 0, total, 5); // PT_LOAD R+X
  phdr(1, 3, interpOff, interp.length + 1, 4); // PT_INTERP
  phdr(2, 2, dynamicOff, tags.length * dynsize, 6); // PT_DYNAMIC
  phdr(3, 0x6474e551, 0, 0, 6); // PT_GNU_STACK RW (not executable)

  b.write(interp, interpOff, "latin1");
  let o = dynstrOff;
  for (const s of strings) {
    b.write(s, o, "latin1");
    o += Buffer.byteLength(s) + 1;
  }

  // .dynsym: [0] null, [1] puts (UND FUNC GLOBAL), [2] foo_api (defined FUNC GLOBAL, shndx 1).
  const sym = (i: number, name: number, value: number, size: number, info: number, shndx: number): void => {
    const at = dynsymOff + i * symsize;
    u32(at, name);
    if (is64) {
      b[at + 4] = info;
      u16(at + 6, shndx);
      word(at + 8, value);
      word(at + 16, size);
    } else {
      u32(at + 4, value);
      u32(at + 8, size);
      b[at + 12] = info;
      u16(at + 14, shndx);
    }
  };
  sym(1, str("puts"), 0, 0, 0x12, 0);
  sym(2, str("foo_api"), BASE + dynamicOff, 4, 0x12, 1);

  if (hash === "sysv") {
    u32(hashOff, 1); // nbucket
    u32(hashOff + 4, nsyms); // nchain = number of symbols
    u32(hashOff + 8, 2); // bucket[0]
    // chains all 0
  } else if (hash === "gnu") {
    u32(hashOff, 1); // nbuckets
    u32(hashOff + 4, 2); // symoffset: symbols 0..1 unhashed
    u32(hashOff + 8, 1); // bloom_size
    u32(hashOff + 12, 6); // bloom_shift
    // bloom word left 0; bucket[0] = 2; chain[0] = hash | 1 (end of chain)
    u32(hashOff + 16 + W, 2);
    u32(hashOff + 16 + W + 4, 0x1234567 | 1);
  }

  // .gnu.version: 0 (local), 2 (GLIBC_2.0 from libc.so.6), 1 (global, unversioned).
  u16(versymOff, 0);
  u16(versymOff + 2, 2);
  u16(versymOff + 4, 1);

  // .gnu.version_r: one Verneed + one Vernaux.
  u16(verneedOff, 1); // vn_version
  u16(verneedOff + 2, 1); // vn_cnt
  u32(verneedOff + 4, str("libc.so.6"));
  u32(verneedOff + 8, 16); // vn_aux
  u32(verneedOff + 12, 0); // vn_next
  u32(verneedOff + 16, 0x0d696910); // vna_hash
  u16(verneedOff + 20, 0); // vna_flags
  u16(verneedOff + 22, 2); // vna_other
  u32(verneedOff + 24, str("GLIBC_2.0"));
  u32(verneedOff + 28, 0);

  tags.forEach(([tag, value], i) => {
    word(dynamicOff + i * dynsize, tag);
    word(dynamicOff + i * dynsize + W, value);
  });

  return { bytes: b, dynamicOffset: dynamicOff };
}
