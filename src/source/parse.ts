// @fileoverview parseSource: reads one C/C++ file (size cap, UTF-8 with a Latin-1 fallback), picks the grammar by
// extension, parses it with tree-sitter and returns its facts and how the extraction degraded.

import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { extractFacts, MAX_FACTS } from "./extract.js";
import { notText, SourceSkipped, tooDeep, type ParseLimits } from "./limits.js";
import { parseText, type Language } from "./tree-sitter.js";
import type { SourceFile } from "./types.js";

/** Larger files are parsed up to this many bytes (cut at a line end): generated tables and amalgamations. */
export const MAX_PARSE_BYTES = 8 * 1024 * 1024;

const CPP_EXTENSIONS = new Set([".cc", ".cpp", ".cxx", ".c++", ".hh", ".hpp", ".hxx", ".h++", ".ipp", ".tcc"]);

/** The grammar for a path: C++ for C++ extensions (and .C, .H by Unix convention), C for the rest (.c, .h, …). */
export function languageOf(path: string): Language {
  const ext = extname(path);
  if (ext === ".C" || ext === ".H") return "cpp";
  return CPP_EXTENSIONS.has(ext.toLowerCase()) ? "cpp" : "c";
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function countLines(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return bytes[bytes.length - 1] === 10 ? n : n + 1;
}

/** End of the parsed prefix of an oversized file: just after the last newline within the cap. */
function cutPoint(bytes: Uint8Array, max: number): number {
  const nl = bytes.lastIndexOf(10, max - 1);
  if (nl >= 0) return nl + 1;
  // One enormous line: cut before a UTF-8 continuation byte rather than inside a character.
  let end = max;
  while (end > max - 4 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return end;
}

function mib(n: number): string {
  return (n / (1024 * 1024)).toFixed(1);
}

/**
 * Parses one C or C++ file and extracts its facts. Reads `path` unless `bytes` is given (read errors are thrown, for
 * the caller to record). Invalid UTF-8, oversized files and syntax errors become warnings; content that is not text,
 * and a parse that outgrows `limits`, throw SourceSkipped (one line, for the caller to record as the file's error).
 */
export function parseSource(path: string, bytes?: Uint8Array, limits: ParseLimits = {}): SourceFile {
  return readSource(path, bytes, limits).file;
}

/** parseSource, with the text it parsed (decoded, and cut as the warnings say): for readers of the same text. */
export function readSource(path: string, bytes?: Uint8Array, limits: ParseLimits = {}): { file: SourceFile; text: string } {
  const data: Uint8Array = bytes ?? readFileSync(path);
  const binary = notText(data);
  if (binary !== undefined) throw new SourceSkipped("NOT_TEXT", binary);
  const language = languageOf(path);
  const warnings: string[] = [];

  let head = data;
  if (data.length > MAX_PARSE_BYTES) {
    head = data.subarray(0, cutPoint(data, MAX_PARSE_BYTES));
    warnings.push(`file is ${mib(data.length)} MiB; only the first ${mib(head.length)} MiB were parsed`);
  }

  let text: string;
  try {
    text = utf8.decode(head);
  } catch {
    // Old sources carry Latin-1 comments and strings; every byte maps to one character, so offsets stay exact.
    text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString("latin1");
    warnings.push("not valid UTF-8; read as Latin-1");
  }

  const deep = tooDeep(text);
  if (deep !== undefined) throw new SourceSkipped("TOO_DEEP", deep);
  const tree = parseText(language, text, limits);
  const { facts, functions, parseErrors, broken, addresses, stoppedAt } = extractFacts(tree, text, path, language);
  if (parseErrors > 0) {
    warnings.push(`${parseErrors} parse error${parseErrors === 1 ? "" : "s"}; facts from the rest`);
  } else if (broken) {
    // Missing or unexpected tokens where the extraction did not look (see extractFacts): not counted.
    warnings.push("parse errors; facts from the rest");
  }
  if (stoppedAt !== undefined) {
    warnings.push(`more than ${MAX_FACTS.toLocaleString("en-US")} calls and uses; read up to line ${stoppedAt.line}, column ${stoppedAt.column} only`);
  }

  return { file: { path, language, facts, functions, addresses, warnings, lines: countLines(data), bytes: data.length }, text };
}
