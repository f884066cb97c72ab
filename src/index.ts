// @fileoverview unifit's public API: re-exports only.

export { scanFile, scanPaths, selectTargets, UsageError, VERSION } from "./scan/scan.js";
export type { ScanOptions } from "./scan/scan.js";
export { loadDatabase, defaultDatabaseDir, rowEvidence, withTargetFiles } from "./db/load.js";
export { DbError } from "./db/errors.js";
export type { Database, Surface, SurfaceRow, LibcMap, SyscallTable } from "./db/types.js";
export { readElf, ElfParseError } from "./elf/index.js";
export type { ElfFile, ElfSymbol } from "./elf/types.js";
export { expandPaths } from "./input/expand.js";
export { failsOn } from "./verdict/rate.js";
export { formatters } from "./report/index.js";
export type { FormatOptions, Formatter } from "./report/index.js";
export { listTargets, formatTargetsTable, formatTargetsCsv } from "./report/targets.js";
export type { TargetListing } from "./report/targets.js";
export * from "./types.js";
export { planFixes } from "./scan/fix.js";
export type { FilePatch, FixPlan } from "./scan/fix.js";
export { formatPatch } from "./report/patch.js";
export { loadRules } from "./rules/load.js";
export type { Rule, RuleHit } from "./rules/types.js";
export { parseSource } from "./source/index.js";
export { explainRule, explainSyscall, formatExplanation } from "./report/explain.js";
export type { RuleExplanation, SyscallExplanation } from "./report/explain.js";
export { compareMatrix, formatMatrix } from "./report/compare.js";
export type { Matrix } from "./report/compare.js";
export { scanPathsParallel } from "./scan/parallel.js";
export type { ParallelOptions } from "./scan/parallel.js";
export { assembleReport } from "./scan/scan.js";
