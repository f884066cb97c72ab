// @fileoverview Rules as loaded from rules/**/*.yaml, and what matching one produces. No targets, no rendering.

import type { SyscallRef } from "../db/types.js";
import type { SourceLocation } from "../source/types.js";
import type { Confidence, Severity } from "../types.js";

export type InputKind = "c" | "cpp" | "elf";

export interface ArgMatcher {
  index: number;
  matches: RegExp;
}

export interface RuleMatchSpec {
  calls?: string[];
  thenCalls?: string[];
  alsoCalls?: string[];
  inLoop?: boolean;
  /** And the code after the call (what it calls, within a few calls) calls one of these: the forked child serves. */
  childCalls?: string[];
  /** And the same function does not then call any of these (a fork followed by exec is not a worker). */
  notThenCalls?: string[];
  arg?: ArgMatcher;
  notArg?: ArgMatcher;
  syscalls?: string[];
  asmSyscall?: boolean;
  string?: RegExp;
  imports?: string[];
}

export interface Rule {
  id: string;
  title: string;
  category: string;
  appliesTo: ReadonlySet<InputKind>;
  match: RuleMatchSpec;
  /** What the pattern needs from the kernel (modes allowed): decides the level per target. */
  syscalls: SyscallRef[];
  messages: Readonly<Record<string, string>>;
  severity: Severity;
  confidence: Confidence;
  hint: string;
  advice: Readonly<Record<string, string>>;
  fix: string | null;
  references: string[];
  status: "stable" | "preview" | "deprecated" | "removed";
  /** On binaries, arg/not-arg cannot be checked; the rule runs there only when this is set. */
  elfWithoutArg: boolean;
  /** rules/<category>/<id>.yaml, relative to the package. */
  file: string;
}

/** One place where a rule matched, before any target is considered. */
export interface RuleHit {
  ruleId: string;
  message: string;
  /** Source location, for c/cpp inputs. */
  location?: SourceLocation;
  /** Enclosing function (source) or calling function (elf). */
  function?: string;
  excerpt?: string;
  conditions?: string[];
  /** For elf inputs: the instruction address of the matched call (hex), when known. */
  address?: string;
  confidence: Confidence;
}
