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
    readonly code: "NOT_TEXT" | "TOO_DEEP" | "PARSE_TIMEOUT" | "PARSE_MEMORY",
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

/**
 * Brackets may nest this deep. C requires compilers to take 63 levels of parentheses (C11 5.2.4.1); real sources stay
 * far below (redis and nginx: under 20). Far deeper nesting makes a tree as deep as the text is long, whose walk costs
 * seconds per 256 KiB and whose parse holds ~900 MB per MiB (a fuzzed line of a million "f(").
 */
export const MAX_NESTING = 512;

/** 1-based line of a character index (only for the message of a refusal). */
function lineAt(text: string, index: number): number {
  let line = 1;
  for (let k = text.indexOf("\n"); k >= 0 && k < index; k = text.indexOf("\n", k + 1)) line++;
  return line;
}

/**
 * Why `text` is nested too deep to parse, or undefined: the first place where "(", "[" and "{" (outside comments,
 * strings and character literals) are open more than MAX_NESTING deep. Every file is read once here before its
 * parse, so the loop tests the common case first (a character above "/", most of them: only "[", "]", "{" and "}"
 * matter there) and the line is counted only for the message (counting it at every newline made this 3x slower).
 */
export function tooDeep(text: string): string | undefined {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 47 /* / */) {
      if (c === 91 /* [ */ || c === 123 /* { */) {
        if (++depth > MAX_NESTING) return deepAt(text, i);
      } else if (c === 93 /* ] */ || c === 125 /* } */) {
        if (depth > 0) depth--;
      }
    } else if (c === 40 /* ( */) {
      if (++depth > MAX_NESTING) return deepAt(text, i);
    } else if (c === 41 /* ) */) {
      if (depth > 0) depth--;
    } else if (c === 47) {
      const d = text.charCodeAt(i + 1);
      if (d === 47) {
        const e = text.indexOf("\n", i);
        if (e < 0) break;
        i = e - 1;
      } else if (d === 42 /* * */) {
        const e = text.indexOf("*/", i + 2);
        if (e < 0) break;
        i = e + 1;
      }
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      // A string or character literal, to its closing quote or the end of its line.
      let k = i + 1;
      for (; k < n; k++) {
        const d = text.charCodeAt(k);
        if (d === 92) k++;
        else if (d === c || d === 10) break;
      }
      if (text.charCodeAt(k) === 10) k--;
      i = k;
    }
  }
  return undefined;
}

function deepAt(text: string, index: number): string {
  return `skipped: brackets nested more than ${MAX_NESTING} deep at line ${lineAt(text, index)}; not ordinary C/C++`;
}
