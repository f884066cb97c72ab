// @fileoverview Decodes C/C++ literal text that tree-sitter has already delimited: string literals (escapes,
// prefixes, raw strings, concatenated pieces) and integer literals. Pure string functions; no tree access.

const SIMPLE_ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  e: "\x1b", // GNU extension, common in terminal code
  E: "\x1b",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "?": "?",
};

function isIdentChar(code: number): boolean {
  const lower = code | 0x20;
  return (code >= 48 && code <= 57) || (lower >= 97 && lower <= 122) || code === 95 || code === 36;
}

function codePoint(value: number): string {
  if (!Number.isFinite(value) || value < 0 || value > 0x10ffff) return "\ufffd";
  return String.fromCodePoint(value);
}

/**
 * Reads one ordinary (non-raw) string literal body starting just after its opening quote.
 * Returns the decoded value and the index just past the closing quote (or the end of the text when unterminated).
 */
export function readQuoted(src: string, start: number): { value: string; end: number } {
  let out = "";
  let i = start;
  let chunk = i;
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 34 /* " */) {
      out += src.slice(chunk, i);
      return { value: out, end: i + 1 };
    }
    if (c === 10 /* newline: unterminated */) break;
    if (c !== 92 /* \ */) {
      i++;
      continue;
    }
    out += src.slice(chunk, i);
    const e = src[i + 1];
    if (e === undefined) {
      i++;
      chunk = i;
      break;
    }
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i += 2;
    } else if (e === "\n") {
      i += 2; // line continuation
    } else if (e === "\r" && src[i + 2] === "\n") {
      i += 3;
    } else if (e >= "0" && e <= "7") {
      let j = i + 1;
      let v = 0;
      while (j < n && j < i + 4) {
        const d = src.charCodeAt(j) - 48;
        if (d < 0 || d > 7) break;
        v = v * 8 + d;
        j++;
      }
      out += String.fromCharCode(v);
      i = j;
    } else if (e === "x") {
      let j = i + 2;
      while (j < n && /[0-9a-fA-F]/.test(src[j] ?? "")) j++;
      out += j > i + 2 ? codePoint(parseInt(src.slice(i + 2, j), 16)) : "x";
      i = j;
    } else if (e === "u" || e === "U") {
      const len = e === "u" ? 4 : 8;
      const hex = src.slice(i + 2, i + 2 + len);
      if (hex.length === len && /^[0-9a-fA-F]+$/.test(hex)) {
        out += codePoint(parseInt(hex, 16));
        i += 2 + len;
      } else {
        out += e;
        i += 2;
      }
    } else {
      out += e; // unknown escape: the character itself, as compilers do (with a warning)
      i += 2;
    }
    chunk = i;
  }
  out += src.slice(chunk, i);
  return { value: out, end: i };
}

/** Whether the quote at index `quote` opens a raw string literal (prefix R, LR, uR, UR or u8R). */
function isRawStringQuote(src: string, quote: number): boolean {
  if (src[quote - 1] !== "R") return false;
  let p = quote - 2; // before R: nothing, or an encoding prefix, then a non-identifier char
  const before = src.slice(Math.max(0, p - 1), p + 1);
  if (before.endsWith("u8")) p -= 2;
  else if (p >= 0 && "LuU".includes(src[p] ?? "")) p -= 1;
  return p < 0 || !isIdentChar(src.charCodeAt(p));
}

/**
 * Decodes the text of a string literal, raw string literal or concatenated_string node: the pieces' values joined.
 * Anything between pieces that is not a string (macro names such as PRIu64, comments) contributes nothing.
 */
export function decodeStringLiterals(src: string): string {
  let out = "";
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 34 /* " */) {
      if (isRawStringQuote(src, i)) {
        const open = src.indexOf("(", i + 1);
        if (open < 0) break;
        const delim = src.slice(i + 1, open);
        const close = src.indexOf(")" + delim + '"', open + 1);
        const stop = close < 0 ? n : close;
        out += src.slice(open + 1, stop);
        i = close < 0 ? n : close + delim.length + 2;
      } else {
        const r = readQuoted(src, i + 1);
        out += r.value;
        i = r.end;
      }
    } else if (c === 47 /* / */ && src[i + 1] === "*") {
      const close = src.indexOf("*/", i + 2);
      i = close < 0 ? n : close + 2;
    } else if (c === 47 && src[i + 1] === "/") {
      const close = src.indexOf("\n", i + 2);
      i = close < 0 ? n : close + 1;
    } else if (c === 39 /* ' */) {
      // a character literal between pieces cannot occur in valid code; skip it so its quote is not misread
      const close = src.indexOf("'", i + 1);
      i = close < 0 ? n : close + 1;
    } else {
      i++;
    }
  }
  return out;
}

const INTEGER_SUFFIX = "(?:[uU](?:ll|LL|l|L|z|Z)?|(?:ll|LL|l|L|z|Z)[uU]?|wb|WB|uwb|UWB)?";
const INTEGER = new RegExp(`^([-+]?)\\s*(0[xX][0-9a-fA-F']+|0[bB][01']+|0[0-7']*|[1-9][0-9']*)${INTEGER_SUFFIX}$`);

/**
 * The value of an integer literal (decimal, hex, octal, binary; digit separators and suffixes allowed), optionally
 * signed; undefined for anything else (floats, character literals) or when the value is not a safe JS integer.
 */
export function decodeInteger(src: string): number | undefined {
  const m = INTEGER.exec(src);
  if (m === null) return undefined;
  const sign = m[1] === "-" ? -1 : 1;
  const digits = (m[2] ?? "").replace(/'/g, "");
  let value: number;
  if (/^0[xX]/.test(digits)) value = parseInt(digits.slice(2), 16);
  else if (/^0[bB]/.test(digits)) value = parseInt(digits.slice(2), 2);
  else if (digits.length > 1 && digits.startsWith("0")) value = parseInt(digits.slice(1), 8);
  else value = parseInt(digits, 10);
  if (!Number.isSafeInteger(value)) return undefined;
  return sign * value;
}
