// @fileoverview A call's arguments read from the source text rather than from the tree: where each argument starts
// and ends, and which of the node kinds that matter (string, number, signed number, identifier, call, other) it is.
//
// Why: in the Node binding every cursor step and every read of a node's type or offsets is a native call (0.1-0.4
// µs); reading a call's arguments from the tree took about 20 of them per call, a third of the extraction's time.
// The text answers the same question when the tree has no error: then an argument list is "(" expressions separated
// by top-level commas ")", with only spaces between (comments, directives and line continuations send the call back to
// the tree). Each argument's kind is decided only where the text leaves no doubt about the node tree-sitter made;
// any doubt (a word the grammar spells out, a parenthesised start, a number with an exponent, a string next to a
// macro name, C++ angle brackets) answers undefined, and the caller reads the tree instead.

/** The node type an argument's text is known to have, as far as the extraction tells kinds apart. */
export type ArgType = "string_literal" | "number_literal" | "unary_expression" | "identifier" | "call_expression" | "other";

export interface TextArg {
  start: number;
  end: number;
  type: ArgType;
}

import { decodeInteger } from "./literals.js";

/** Words the grammar reads as literal nodes (null, true, false) wherever an expression may stand. */
const LITERAL_WORDS = new Set(["NULL", "nullptr", "true", "false", "TRUE", "FALSE"]);
/** Words that start an expression of their own kind (sizeof_expression, alignof_expression, ...). */
const OPERATOR_WORDS = new Set(["sizeof", "alignof", "_Alignof", "__alignof__", "__alignof", "_alignof", "offsetof", "_Generic"]);

const IDENT = /^[A-Za-z_$][\w$]*$/;
/** Integer and plain floating literals with the usual suffixes (not C++ user-defined literals such as 10ms). */
const NUMBER = /^(?:0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*$|^(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][0-9]+)?[fFlL]?$/;
/** One or more ordinary string literals (optional encoding prefix), nothing but spaces between them. */
const STRINGS = /^(?:(?:u8|[LuU])?"(?:[^"\\\n]|\\[^\n])*"\s*)+$/;
/** Letters, digits and characters beyond ASCII only: an identifier tree-sitter may read differently from us. */
const WORDISH = /^[\w$\u0080-\uffff]+$/;

/** C's white space: space, \n, \t, \r, \f, \v. */
export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 11;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

/** A character of an ASCII identifier (letters, digits, _ and $). */
export function isIdentCode(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** Characters that start a binary, ternary, assignment or postfix-update operator. */
function isOperator(c: number): boolean {
  // + - * / % < > = ! & | ^ ? :
  return c === 43 || c === 45 || c === 42 || c === 47 || c === 37 || c === 60 || c === 62 || c === 61 || c === 33 || c === 38 || c === 124 || c === 94 || c === 63 || c === 58;
}

/** Index just past the bracket that closes the one at `open`, within [open, end); -1 when unbalanced. */
function closing(text: string, open: number, end: number): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) {
      if (--depth === 0) return i + 1;
    } else if (c === 34 || c === 39) {
      for (i++; i < end; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === c) break;
      }
    }
  }
  return -1;
}

/**
 * An argument whose text ends with ")": a call when it is a postfix chain (name, then calls, subscripts, members) whose
 * last step is a call; "other" when an operator follows a chain or a prefix operator starts it; undefined otherwise.
 */
function chainType(text: string, s: number, e: number, words: ReadonlySet<string>, cpp: boolean): ArgType | undefined {
  let i = s;
  const c0 = text.charCodeAt(i);
  // *f(x), !f(x), &f(x), ~f(x): a prefix operator over the chain
  if (c0 === 42 || c0 === 33 || c0 === 38 || c0 === 126) return "other";
  if (cpp && c0 === 58 && text.charCodeAt(i + 1) === 58) i += 2;
  const name = (): boolean => {
    while (i < e && isSpace(text.charCodeAt(i))) i++;
    const from = i;
    if (i >= e || !isIdentStart(text.charCodeAt(i))) return false;
    while (i < e && isIdentCode(text.charCodeAt(i))) i++;
    return !words.has(text.slice(from, i));
  };
  if (!name()) return undefined;
  let call = false;
  for (;;) {
    while (i < e && isSpace(text.charCodeAt(i))) i++;
    if (i >= e) return call ? "call_expression" : undefined;
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91) {
      const close = closing(text, i, e);
      if (close < 0) return undefined;
      call = c === 40;
      i = close;
    } else if (c === 46 /* . */ && text.charCodeAt(i + 1) !== 42 /* .* */) {
      i++;
      if (!name()) return undefined;
      call = false;
    } else if (c === 45 && text.charCodeAt(i + 1) === 62 /* -> */ && text.charCodeAt(i + 2) !== 42 /* ->* */) {
      i += 2;
      if (!name()) return undefined;
      call = false;
    } else if (cpp && c === 58 && text.charCodeAt(i + 1) === 58) {
      i += 2;
      if (!name()) return undefined;
      call = false;
    } else return isOperator(c) ? "other" : undefined;
  }
}

/** The node type of one argument's text [s, e) (trimmed, not empty), or undefined when only the tree can tell. */
function argType(text: string, s: number, e: number, words: ReadonlySet<string>, cpp: boolean): ArgType | undefined {
  const piece = text.slice(s, e);
  const c = piece.charCodeAt(0);
  if (IDENT.test(piece)) {
    if (!words.has(piece)) return "identifier";
    // NULL, true, FALSE...: nodes of their own (null, true, false), of no kind the extraction names
    return LITERAL_WORDS.has(piece) ? "other" : undefined;
  }
  // sizeof x, offsetof(t, m), _Generic(...): an operator word heads the expression, whatever follows
  const w = /^[A-Za-z_]\w*/.exec(piece)?.[0];
  if (w !== undefined && OPERATOR_WORDS.has(w) && words.has(w)) return "other";
  if (piece.includes('"')) return STRINGS.test(piece) ? "string_literal" : undefined;
  if (c === 43 || c === 45) {
    // -1, +2: a number literal or a unary expression; the same fact either way when the value is an integer
    let k = 1;
    while (k < piece.length && isSpace(piece.charCodeAt(k))) k++;
    const rest = piece.slice(k);
    const d = rest.charCodeAt(0);
    if ((d >= 48 && d <= 57) || d === 46) return NUMBER.test(rest) && decodeInteger(piece) !== undefined ? "unary_expression" : undefined;
    return "other"; // -x, --x, -f(x)
  }
  if ((c >= 48 && c <= 57) || (c === 46 && /^\.[0-9]/.test(piece))) return NUMBER.test(piece) ? "number_literal" : undefined;
  if (c === 40 /* ( */) return piece.endsWith(")") ? undefined : "other";
  if (c === 91 /* [ */ || c === 123 /* { */) return cpp ? undefined : "other";
  if (piece.endsWith(")")) return chainType(text, s, e, words, cpp);
  return WORDISH.test(piece) ? undefined : "other";
}

/**
 * The arguments of the argument list whose text is [open + 1, close) (open: its "(", close: its ")"), or undefined
 * when the text alone cannot give them exactly as the tree has them. Only for trees without errors.
 */
export function argumentsFromText(text: string, open: number, close: number, words: ReadonlySet<string>, cpp: boolean): TextArg[] | undefined {
  const out: TextArg[] = [];
  let depth = 0;
  let pieceStart = open + 1;
  const add = (from: number, to: number): boolean => {
    let s = from;
    let e = to;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (s === e) return false;
    const type = argType(text, s, e, words, cpp);
    if (type === undefined) return false;
    out.push({ start: s, end: e, type });
    return true;
  };
  for (let i = open + 1; i < close; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) {
      if (--depth < 0) return undefined;
    } else if (c === 44 /* , */) {
      if (depth === 0) {
        if (!add(pieceStart, i)) return undefined;
        pieceStart = i + 1;
      }
    } else if (c === 34 || c === 39) {
      // a string or character literal: to its closing quote on the same line
      if (c === 34 && cpp && text.charCodeAt(i - 1) === 82 /* R"( raw string */) return undefined;
      for (i++; i < close; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === c) break;
        else if (d === 10) return undefined;
      }
      if (i >= close) return undefined;
    } else if (c === 47 /* / */) {
      const d = text.charCodeAt(i + 1);
      if (d === 42 || d === 47) return undefined; // a comment
    } else if (c === 35 /* # */ || c === 92 /* \ */) return undefined; // a directive, a line continuation
    else if (c === 60 /* < */ && cpp) return undefined; // template arguments or less-than: only the tree knows
  }
  if (depth !== 0) return undefined;
  if (out.length === 0) {
    // f(): no argument; anything else is one
    let s = pieceStart;
    while (s < close && isSpace(text.charCodeAt(s))) s++;
    if (s === close) return out;
  }
  return add(pieceStart, close) ? out : undefined;
}
