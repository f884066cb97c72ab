// @fileoverview Public face of src/source: C/C++ text → SourceFile (facts, functions, warnings). Re-exports only.

export { parseSource, languageOf, MAX_PARSE_BYTES } from "./parse.js";
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
