// @fileoverview The only importer of tree-sitter: loads the C and C++ grammars once and parses text into a tree.

import { createRequire } from "node:module";
import type Parser from "tree-sitter";

export type Tree = Parser.Tree;
export type SyntaxNode = Parser.SyntaxNode;
export type TreeCursor = Parser.TreeCursor;
export type Language = "c" | "cpp";

// The bindings are CommonJS native modules; createRequire is the supported way to load them from ESM.
const require = createRequire(import.meta.url);

const parsers = new Map<Language, Parser>();

function parserFor(language: Language): Parser {
  let parser = parsers.get(language);
  if (parser === undefined) {
    const ParserClass = require("tree-sitter") as typeof Parser;
    const grammar = require(language === "c" ? "tree-sitter-c" : "tree-sitter-cpp") as Parser.Language;
    parser = new ParserClass();
    parser.setLanguage(grammar);
    parsers.set(language, parser);
  }
  return parser;
}

/** Characters handed to tree-sitter per input callback. */
const CHUNK = 16384;

/**
 * Parses `text`. The text is fed through the input callback in bounded chunks: handing the binding one large string
 * makes it slice the whole remainder on every read. A chunk never ends between the two halves of a surrogate pair,
 * which tree-sitter would otherwise decode as two invalid characters.
 */
export function parseText(language: Language, text: string): Tree {
  const parser = parserFor(language);
  const input = (index: number): string => {
    if (index >= text.length) return "";
    let end = Math.min(index + CHUNK, text.length);
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff && end < text.length && end - index > 1) end--;
    return text.slice(index, end);
  };
  // A reset makes a parse that an earlier failure left half-done start from scratch rather than resume.
  parser.reset();
  return parser.parse(input);
}
