// @fileoverview The only importer of tree-sitter: loads the C and C++ grammars once and parses text into a tree.

import { createRequire } from "node:module";
import type Parser from "tree-sitter";
import { SourceSkipped, type ParseLimits } from "./limits.js";

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

const keywordSets = new Map<Language, ReadonlySet<string> | null>();

/**
 * Every word a grammar spells out (keywords, primitive types, NULL, TRUE, sizeof, offsetof, ...), read from the
 * grammar's own grammar.json: a word among them may lex as something other than an identifier. Null when the file
 * cannot be read (callers then ask the tree about every word).
 */
export function grammarWords(language: Language): ReadonlySet<string> | null {
  let words = keywordSets.get(language);
  if (words === undefined) {
    words = null;
    try {
      const grammar = require(language === "c" ? "tree-sitter-c/src/grammar.json" : "tree-sitter-cpp/src/grammar.json") as { rules: unknown };
      const found = new Set<string>();
      const visit = (x: unknown): void => {
        if (Array.isArray(x)) for (const y of x) visit(y);
        else if (x !== null && typeof x === "object") {
          const o = x as { type?: unknown; value?: unknown };
          if (o.type === "STRING" && typeof o.value === "string" && /^[A-Za-z_$][\w$]*$/.test(o.value)) found.add(o.value);
          for (const y of Object.values(o)) visit(y);
        }
      };
      visit(grammar.rules);
      if (found.size > 0) words = found;
    } catch {
      words = null;
    }
    keywordSets.set(language, words);
  }
  return words;
}

/** Characters handed to tree-sitter per input callback. */
const CHUNK = 16384;

/** Resident memory that cancelled parses of this process left behind (freed, but kept by malloc). */
let retained = 0;
/** A parse may always grow the resident size by this much (the input callback's strings, noise). */
const MIN_ALLOWANCE = 48 * 1024 * 1024;

/**
 * Progress reports between two looks at the clock (tree-sitter reports every ~100 steps; Date.now() is cheap).
 */
const CHECK_EVERY = 8;
/**
 * Milliseconds of parsing between two looks at the resident memory. Reading it is a system call (~10-60 µs; every
 * 8th report, it was 1.6 s of a 1 MiB file's parse of garbage), and a parse cannot grow by the allowance in a few
 * milliseconds (page faults alone make 48 MB take longer), so a parse that ends sooner never reads it: most files.
 * Every 64th report and once per parse, it was 1,409 reads and 3-5% of the parse time on redis's 562 files; by the
 * clock, about 500 on a loaded machine (fewer when parses run faster). The first read is the baseline, so growth in a parse's first milliseconds is not counted:
 * a few MB at the growth rate of the worst texts (300 bytes of memory per byte of text), within MIN_ALLOWANCE.
 */
const CHECK_MEMORY_MS = 4;

/**
 * Parses `text`. The text is fed through the input callback in bounded chunks: handing the binding one large string
 * makes it slice the whole remainder on every read. A chunk never ends between the two halves of a surrogate pair,
 * which tree-sitter would otherwise decode as two invalid characters. A parse that outgrows `limits` is cancelled
 * through tree-sitter's progress callback and throws SourceSkipped.
 */
export function parseText(language: Language, text: string, limits: ParseLimits = {}): Tree {
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
  const { deadline } = limits;
  // Memory a cancelled parse freed stays with the process (malloc keeps it for reuse), so the next parse fills it
  // before the resident size grows: what earlier cancelled parses left is taken off this parse's allowance.
  const memoryBytes = limits.memoryBytes === undefined ? undefined : Math.max(limits.memoryBytes - retained, MIN_ALLOWANCE);
  if (deadline === undefined && memoryBytes === undefined) return parser.parse(input);
  /** The resident size at the first look (-1 before it), and when the next look is due. */
  let rss0 = -1;
  let nextMemoryCheck = Date.now() + CHECK_MEMORY_MS;
  let calls = 0;
  let stopped: { why: "time" | "memory"; at: number } | undefined;
  const progressCallback = (index: number): boolean => {
    if (++calls % CHECK_EVERY !== 0) return false;
    const now = Date.now();
    if (deadline !== undefined && now > deadline) stopped = { why: "time", at: index };
    else if (memoryBytes !== undefined && now >= nextMemoryCheck) {
      nextMemoryCheck = now + CHECK_MEMORY_MS;
      const rss = process.memoryUsage.rss();
      if (rss0 < 0) rss0 = rss;
      else if (rss - rss0 > memoryBytes) stopped = { why: "memory", at: index };
    }
    return stopped !== undefined;
  };
  const tree = parser.parse(input, undefined, { progressCallback }) as Tree | null | undefined;
  if (stopped !== undefined || tree === null || tree === undefined) {
    // A cancelled parse keeps its state for a resume: drop it now, and count what the process kept.
    parser.reset();
    if (rss0 >= 0) retained += Math.max(0, process.memoryUsage.rss() - rss0);
    // The callback's offset is in bytes of the UTF-16 text the binding hands tree-sitter: two per character.
    const at = Math.min(text.length, Math.floor((stopped?.at ?? 0) / 2));
    const where = `at character ${at} of ${text.length}`;
    if (stopped?.why === "time") throw new SourceSkipped("PARSE_TIMEOUT", `skipped: parsing ran past the file's time budget (${where})`);
    throw new SourceSkipped("PARSE_MEMORY", `skipped: parsing needed more than ${Math.round((limits.memoryBytes ?? 0) / (1024 * 1024))} MB (stopped ${where}); text this hard to parse is not ordinary C/C++`);
  }
  return tree;
}
