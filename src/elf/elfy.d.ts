// @fileoverview Minimal typing for the elfy 1.0.0 CommonJS package: only the Parser steps that elfy-adapter.ts calls.

declare module "elfy" {
  /** Header as elfy returns it: type/machine are mapped to names (or undefined when elfy has no name). */
  export interface ElfyHeader {
    class: string;
    endian: string;
    type: string | undefined;
    machine: string | undefined;
    entry: number;
    phoff: number;
    shoff: number;
    flags: number;
    ehsize: number;
    phentsize: number;
    phnum: number;
    shentsize: number;
    shnum: number;
    shstrndx: number;
  }

  export interface ElfyProgram {
    /** Name such as "load"; undefined for p_type values elfy does not know. */
    type: string | undefined;
    offset: number;
    vaddr: number;
    paddr: number;
    filesz: number;
    memsz: number;
    flags: Record<string, boolean>;
    align: number;
  }

  export interface ElfySection {
    /** Still the sh_name offset: names are only resolved by elfy.parse(), which we do not call. */
    name: number;
    type: string | number;
    flags: Record<string, boolean>;
    addr: number;
    off: number;
    size: number;
    link: number;
    info: number;
    /** Wrong for ELF64 in elfy 1.0.0 (read at offset 46). */
    addralign: number;
    /** Wrong for ELF64 in elfy 1.0.0 (read at offset 54). */
    entsize: number;
  }

  export class Parser {
    constructor();
    parseHeader(buf: Buffer): ElfyHeader;
    parsePrograms(buf: Buffer, header: ElfyHeader): ElfyProgram[];
    parseSections(buf: Buffer, header: ElfyHeader): ElfySection[];
  }

  const elfy: {
    Parser: typeof Parser;
    parse(buf: Buffer): unknown;
  };
  export default elfy;
}
