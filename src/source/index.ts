// @fileoverview Public face of src/source: C/C++ text → SourceFile (facts, functions, warnings). Re-exports only.

export { parseSource, readSource, languageOf, MAX_PARSE_BYTES } from "./parse.js";
export { SourceSkipped, PARSE_MEMORY_BYTES, notText } from "./limits.js";
export type { ParseLimits } from "./limits.js";
export type {
  AddressFact,
  ArgFact,
  AsmFact,
  CallFact,
  SourceFact,
  SourceFile,
  SourceLocation,
  StringFact,
  SyscallUseFact,
} from "./types.js";
