// @fileoverview What src/source extracts from C/C++ text: calls, syscall uses, inline asm, pseudo-file strings,
// with file:line:col and the #if conditions around them. No targets, no verdicts.

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  endLine: number;
  endColumn: number;
}

export interface ArgFact {
  /** Source text of the argument (trimmed, at most 200 characters). */
  text: string;
  kind: "string" | "number" | "identifier" | "call" | "other";
  /** The decoded value of a string literal (concatenated pieces joined) or of an integer literal. */
  value?: string | number;
}

interface FactBase {
  location: SourceLocation;
  /** Enclosing function name, when inside one. */
  function?: string;
  /** The source line of the fact, trimmed (at most 200 characters). */
  excerpt: string;
  /** Preprocessor conditions around the fact, outermost first, e.g. ["#ifdef __linux__", "#if !defined(_WIN32)"]. */
  conditions: string[];
}

export interface CallFact extends FactBase {
  kind: "call";
  /** The called name: an identifier, or the last component of a qualified/field name (std::system → system). */
  callee: string;
  /** The full callee text as written (std::system, obj->fork, ::fork). */
  calleeText: string;
  args: ArgFact[];
  /** Inside a for/while/do loop of the enclosing function. */
  inLoop: boolean;
  /** Position of the call in the enclosing function, in source order (0, 1, 2, …). */
  order: number;
}

export interface SyscallUseFact extends FactBase {
  kind: "syscall-use";
  /** The syscall named, e.g. "gettid" from SYS_gettid or __NR_gettid. */
  name: string;
  /** syscall(): the first argument of a syscall() call; constant: any other use of SYS_x / __NR_x. */
  via: "syscall()" | "constant";
}

export interface AsmFact extends FactBase {
  kind: "asm";
  /** The assembler template text. */
  text: string;
  /** It contains a system-call instruction (syscall, sysenter, int $0x80, svc #0). */
  syscall: boolean;
}

export interface StringFact extends FactBase {
  kind: "string";
  /** Decoded value of a string literal that names a pseudo-file (/proc/…, /sys/…, /dev/…). */
  value: string;
}

export type SourceFact = CallFact | SyscallUseFact | AsmFact | StringFact;

/** A name whose address an initializer stores: `static struct ops o = { .start = my_start };`. */
export interface AddressFact {
  name: string;
  line: number;
  /** Enclosing function, when the initializer is inside one. */
  function?: string;
  conditions: string[];
}

export interface SourceFile {
  path: string;
  language: "c" | "cpp";
  facts: SourceFact[];
  /** Functions defined in the file, in source order. */
  functions: { name: string; location: SourceLocation }[];
  /** Names whose address an initializer stores (functions among them count as taken for reachability). */
  addresses: AddressFact[];
  /** Parse problems and how the extraction degraded, one line each. */
  warnings: string[];
  lines: number;
  bytes: number;
}
