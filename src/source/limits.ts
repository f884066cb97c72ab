// @fileoverview What the source parser is handed, bounded: content that is not text is refused before parsing, and a
// parse is stopped when it outgrows its time or memory budget. Each refusal is a SourceSkipped: one line naming why.
//
// Why: tree-sitter's memory grows with how hard the text is to make sense of, not with its size. Real C (redis,
// nginx, 8 MB of it) takes about 20 bytes of parser memory per byte of text; random bytes, a line of a million "("
// or "f(", and C++ chains of "a<" take about 300, and the C++ grammar's time grows with the square of such a chain
// (128 KiB: 4 s; 1 MiB: 43 s and 3.3 GB). Sizes alone cannot tell these apart from real files, so the parse itself
// is watched.

/** A file the parser did not take, or stopped on: `message` starts with "skipped:". */
export class SourceSkipped extends Error {
  constructor(
    readonly code: "NOT_TEXT" | "PARSE_TIMEOUT" | "PARSE_MEMORY",
    message: string,
  ) {
    super(message);
  }
}

/** Budget for one file's parse. */
export interface ParseLimits {
  /** Stop when the clock passes this (Date.now() milliseconds). */
  deadline?: number;
  /** Stop when the process's resident memory has grown by more than this many bytes since the parse began. */
  memoryBytes?: number;
}

/** The parser's own memory bound when none is given: real 8 MB files need about 170 MB. */
export const PARSE_MEMORY_BYTES = 320 * 1024 * 1024;

/** Bytes looked at to tell text from binary content. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Why `bytes` is not C/C++ text, or undefined when it may be. A NUL byte, or more than one in a hundred control
 * characters other than tab, line ends, vertical tab, form feed and escape, in the first 64 KiB: what compilers take
 * as source has neither (Latin-1 and UTF-8 text does not either: their bytes are >= 0x80).
 */
export function notText(bytes: Uint8Array): string | undefined {
  const n = Math.min(bytes.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b >= 0x20) continue;
    if (b === 0) return `skipped: binary content (a NUL byte at offset ${i}), not C/C++ text`;
    if (b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27) control++;
  }
  if (control > 0 && control * 100 > n) return `skipped: binary content (${control} control bytes in the first ${n}), not C/C++ text`;
  return undefined;
}
