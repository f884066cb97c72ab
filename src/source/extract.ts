// @fileoverview Turns one tree-sitter tree of C/C++ into SourceFacts (calls, syscall uses, inline asm, pseudo-file
// strings) with their enclosing function, loop and #if context, plus the list of defined functions.
//
// Why no .scm queries: in the Node binding every node handed to JS becomes an object with a weak native reference
// (a few µs each, plus its finalizer), and every cursor step is a native call (~0.1 µs). Measured on OSv, nginx and
// redis sources: query captures cost ~40% of the parse time, descendantsOfType plus a cursor per call ~40-55%, a JS
// cursor walk over every node ~55%. So one cursor walks the tree, but enters only the nodes that contain a "mark":
// a "(" that may open an argument list (every call has one) or a regular-expression hit for the rare tokens
// (SYS_x / __NR_x, "/proc…" strings). gotoFirstChildForIndex jumps natively to the child holding the next mark, so
// leaves and paren-free statements are never visited from JS, and no node object is made except for hits. The
// enclosing function, loops and #if blocks come from a stack of [start, end) ranges kept along the walk.

import { argumentsFromText, isIdentCode, isSpace, type TextArg } from "./arguments.js";
import { decodeInteger, decodeStringLiterals, readQuoted } from "./literals.js";
import { grammarWords, parseText } from "./tree-sitter.js";
import type { SyntaxNode, Tree, TreeCursor } from "./tree-sitter.js";
import type { AddressFact, ArgFact, CallFact, SourceFact, SourceLocation, SyscallUseFact } from "./types.js";
import { compareStrings } from "../util/compare.js";

export interface Extraction {
  facts: SourceFact[];
  functions: { name: string; location: SourceLocation }[];
  /** ERROR nodes met by the walk (those around a "(" or a rare token); 0 when it met none. */
  parseErrors: number;
  /** The tree holds an ERROR or MISSING node somewhere, met by the walk or not. */
  broken: boolean;
  /** Names whose address an initializer stores (`{ .start = my_start }`, `{ on_a, &on_b }`), in text order. */
  addresses: AddressFact[];
  /** Where the extraction stopped, at MAX_FACTS facts; absent when it read the whole tree. */
  stoppedAt?: SourceLocation;
}

/**
 * Most facts, functions and stored addresses taken from one file: past it the rest of the file is not read (a
 * warning says where). Real files stay far below: at most 2,616 (redis-cli.c, 347 KB), 24,000 per MB at the
 * densest; an 8 MiB file of "SYS_fork " made 930,000 and 1.3 GB, of `asm("syscall");` 546,000 and 1.2 GB.
 */
export const MAX_FACTS = 100_000;

const MAX_TEXT = 200;

/** How deep below the root the walk asks nodes whether they hold errors (see cleanUntil in extractFacts). */
const CLEAN_DEPTH = 4;
/**
 * How many nodes of one file the walk asks so (each question makes a node object, held natively until collected).
 * Real files need at most 1,306 (redis's server.h; 28,675 over the 1,197 files of the four bench servers); 1.5 MiB
 * of "(}", one ERROR node with 786 K children that each hold a "(", made as many objects and 290 MB of heap. Past the
 * bound, the remaining calls' arguments are read from the tree, as in any node with errors.
 */
const MAX_CLEAN_PROBES = 20_000;

/** The conditions of a fact under no #if: one shared array, never written to. */
const NO_CONDITIONS: string[] = [];
/** The arguments of a call without any: one shared array, never written to. */
const NO_ARGS: ArgFact[] = [];

const LOOPS = ["for_statement", "while_statement", "do_statement", "for_range_loop"];
const CONDITIONALS = ["preproc_if", "preproc_ifdef", "preproc_elif", "preproc_elifdef", "preproc_else"];
const LOOP_SET = new Set(LOOPS);
const CONDITIONAL_SET = new Set(CONDITIONALS);

/** Callee node types that name a function; other callees (`(*fp)(x)`, `table[i](x)`, `f()()`) get callee "". */
const NAMED_CALLEES = new Set([
  "identifier",
  "qualified_identifier",
  "field_expression",
  "template_function",
  "template_method",
  "dependent_name",
  "destructor_name",
  "operator_name",
]);

/** Declarator nodes that wrap the declared name of a function definition. */
const DECLARATOR_WRAPPERS = new Set([
  "function_declarator",
  "pointer_declarator",
  "reference_declarator",
  "parenthesized_declarator",
  "attributed_declarator",
]);

/** Named children of a declarator that are not the inner declarator. */
const DECLARATOR_NOISE = new Set([
  "type_qualifier",
  "ms_call_modifier",
  "ms_based_modifier",
  "ms_pointer_modifier",
  "ms_unaligned_ptr_modifier",
  "ms_restrict_modifier",
  "ms_unsigned_ptr_modifier",
  "ms_signed_ptr_modifier",
  "attribute_specifier",
  "attribute_declaration",
  "gnu_asm_expression",
  "comment",
]);

// One pass over the text finds the rare token kinds: SYS_x / __NR_x names (lower-case x: SYS_SECCOMP and the like
// are not syscalls), the opening quote of a string that starts with /proc, /sys or /dev/, and a name (or &name, or a
// cast of one) stored into a field or an element at run time (`x.fn = f;`, `p->handler = f;`, `arr[i] = f;`).
const HITS = /\b(?:SYS|__NR)_([a-z][a-z0-9_]*)\b|"\/(?:proc|sys)["/]|"\/dev\/|(?:(?:->|\.)\s*[A-Za-z_$][\w$]*|\])\s*=(?!=)\s*(?:\([\w$\s*]*\)\s*)?&?\s*([A-Za-z_$][\w$]*)\s*;/g;
/** HITS matched at one index (the same match the global search found there: the same pattern from the same start). */
const HIT_AT = new RegExp(HITS.source, "y");
/** Where the stored name starts, from the end of such a hit. */
const STORED_NAME = /[A-Za-z_$][\w$]*\s*;$/;
/** Nodes between a stored name and its assignment: `&f`, `(handler_t)f`, `(f)`. */
const STORED_WRAPPERS = new Set(["pointer_expression", "cast_expression", "parenthesized_expression"]);

/** An initializer holds a name somewhere: a letter not inside a number (0x1F, 10UL) and not a designator (.start). */
const INITIALIZER_NAME = /(?<![\w$.])[A-Za-z_$]/;
/** An element that stores an address: `name`, `&name`, `(cast)name`, `(cast)&name`. */
const ADDRESS_OF = /^(?:\(.*\)\s*)?&?\s*([A-Za-z_$][\w$]*)$/s;

const ASM_SYSCALL = /\bsyscall\b|\bsysenter\b|int\s*\$?0x80|\bsvc\s+#?0\b/;
const SYSCALL_CONSTANT = /^(?:SYS|__NR)_([a-z][a-z0-9_]*)$/;
const MACRO_NAME = /#\s*define\s+([A-Za-z_$][\w$]*)/y;

/**
 * Node type names and named-ness by type id, per grammar. Reading a type id from the cursor is a cheaper native call
 * than reading the name (which builds a new string each time), and a function keeps TypeScript from narrowing a
 * getter's value across cursor moves.
 */
class TypeTable {
  private readonly names: string[] = [];
  private readonly named: boolean[] = [];
  private lastId = 0;

  type(cursor: TreeCursor): string {
    const id = cursor.nodeTypeId;
    this.lastId = id;
    let name = this.names[id];
    if (name === undefined) {
      name = cursor.nodeType;
      this.names[id] = name;
      this.named[id] = cursor.nodeIsNamed;
    }
    return name;
  }

  /** Whether the node whose type type() read last is a named node (not punctuation). */
  lastNamed(): boolean {
    return this.named[this.lastId] ?? false;
  }
}

const typeTables = new Map<string, TypeTable>();

function clip(s: string): string {
  return s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s;
}

function isPseudoFilePath(value: string): boolean {
  return (
    value.startsWith("/proc/") ||
    value.startsWith("/sys/") ||
    value.startsWith("/dev/") ||
    value === "/proc" ||
    value === "/sys"
  );
}

/** Line starts of a text, for index → 1-based line/column and for excerpts. */
class LineIndex {
  private readonly starts: number[] = [0];
  private last = 0;

  constructor(private readonly text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  /** 0-based row of a character index. */
  row(index: number): number {
    const starts = this.starts;
    let r = this.last;
    // Facts arrive mostly in document order: try the previous answer and its successor before searching.
    if ((starts[r] ?? 0) <= index && index < (starts[r + 1] ?? Infinity)) return r;
    r++;
    if ((starts[r] ?? Infinity) <= index && index < (starts[r + 1] ?? Infinity)) return (this.last = r);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    return (this.last = lo);
  }

  location(file: string, start: number, end: number): SourceLocation {
    const r0 = this.row(start);
    const r1 = end <= start ? r0 : this.row(end);
    return {
      file,
      line: r0 + 1,
      column: start - (this.starts[r0] ?? 0) + 1,
      endLine: r1 + 1,
      endColumn: end - (this.starts[r1] ?? 0) + 1,
    };
  }

  private textRow = -1;
  private rowText = "";

  /** The source line of a row, trimmed and clipped (the calls of one line share one string). */
  lineText(row: number): string {
    if (row === this.textRow) return this.rowText;
    const start = this.starts[row] ?? 0;
    const next = this.starts[row + 1];
    this.textRow = row;
    return (this.rowText = clip(this.text.slice(start, next === undefined ? this.text.length : next).trim()));
  }
}

/** The first line of a preprocessor directive, continuations joined, comments dropped, spaces collapsed. */
function directiveText(text: string, start: number): string {
  let end = start;
  for (;;) {
    const nl = text.indexOf("\n", end);
    if (nl < 0) {
      end = text.length;
      break;
    }
    const before = text[nl - 1] === "\r" ? nl - 2 : nl - 1;
    if (text[before] === "\\") {
      end = nl + 1;
      continue;
    }
    end = nl;
    break;
  }
  return clip(
    text
      .slice(start, end)
      .replace(/\\\r?\n/g, " ")
      .replace(/\/\*.*?\*\//g, " ")
      .replace(/\/\*.*$|\/\/.*$/, "")
      .replace(/\s+/g, " ")
      .trim()
      .replace(/^#\s+/, "#"),
  );
}

/** Removes C++ template argument lists (`ns::f<int>` → `ns::f`), leaving `->` alone. */
function stripTemplateArgs(s: string): string {
  let out = "";
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "-" && s[i + 1] === ">") {
      if (depth === 0) out += "->";
      i++;
    } else if (c === "<") depth++;
    else if (c === ">" && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

/** Words before a "(" that make it something other than a call's or a declarator's parenthesis. */
const NOT_CALLEES = new Set([
  "if",
  "while",
  "for",
  "switch",
  "return",
  "case",
  "sizeof",
  "alignof",
  "_Alignof",
  "__alignof__",
  "alignas",
  "_Alignas",
  "defined",
  "catch",
  "decltype",
  "typeof",
  "__typeof",
  "__typeof__",
  "noexcept",
  "static_assert",
  "_Static_assert",
  "__attribute__",
  "__attribute",
  "__declspec",
]);

/**
 * Whether the "(" at `p` can start a call's argument list (or a function declarator's parameters, or asm operands):
 * the text before it ends in a name, ")", "]", ">" or "}", and the name is not a keyword such as `if` or `sizeof`.
 * A cast or grouping parenthesis, or a condition, holds any call it contains behind a "(" of its own, so skipping
 * these only spares the walk; what is a call is still decided by the tree.
 */
function mayOpenCall(text: string, p: number): boolean {
  let q = p - 1;
  while (q >= 0 && isSpace(text.charCodeAt(q))) q--;
  if (q < 0) return false;
  const c = text.charCodeAt(q);
  if (!isIdentCode(c)) return c === 41 /* ) */ || c === 93 /* ] */ || c === 62 /* > */ || c === 125 /* } */;
  let w = q;
  while (w > 0 && isIdentCode(text.charCodeAt(w - 1))) w--;
  // Only short words can be keywords; checking the length first keeps the common case free of slicing.
  return q - w > 14 || !NOT_CALLEES.has(text.slice(w, q + 1));
}

/** The last identifier of a callee text: std::system → system, obj->fork → fork, a.template f<int> → f. */
function lastName(calleeText: string): string {
  const s = calleeText.includes("<") ? stripTemplateArgs(calleeText) : calleeText;
  let end = s.length;
  while (end > 0 && !isIdentCode(s.charCodeAt(end - 1))) end--;
  let start = end;
  while (start > 0 && isIdentCode(s.charCodeAt(start - 1))) start--;
  return s.slice(start, end);
}

interface Scope {
  kind: "function" | "loop" | "conditional";
  end: number;
  /** Function name, or directive text of a conditional. */
  label: string;
  /** Calls seen so far in this function. */
  calls: number;
}

/**
 * One cursor and one line index per grammar, kept for the life of the process over a tree of one declaration. V8
 * throws away optimized code that knows an object shape when the last object of that shape is collected ("weak
 * objects"), and shapes reached by adding properties die with their last object: the binding's cursor (it sets
 * `cursor.tree` after making it) and the line index did at the end of each file. The walk was then recompiled after
 * every full collection (--trace-opt: 200-700 ms of compiler thread on every pass of the bench over redis); with these
 * kept, not once after the first pass.
 */
const keptShapes = new Map<string, { cursor: TreeCursor; lines: LineIndex }>();

/** `grammar` names the language the tree was parsed with (type ids differ between grammars). */
export function extractFacts(tree: Tree, text: string, file: string, grammar: string): Extraction {
  // The root node is read here, not in the walk: the binding's node objects do not all share one hidden class, and
  // the walk's optimized code that read `root.hasError` was thrown away when a file's root had another ("wrong map",
  // 5 times in 6 passes over redis with --trace-deopt); each recompile of the walk costs ~650 ms of compiler thread.
  const root = tree.rootNode;
  if (!keptShapes.has(grammar)) {
    keptShapes.set(grammar, { cursor: parseText(grammar === "cpp" ? "cpp" : "c", "int x;").rootNode.walk(), lines: new LineIndex("") });
  }
  return extractFrom(root, root.hasError, root.walk(), text, file, grammar);
}

/** Whether the node under the cursor holds an error; kept out of the walk for the reason given in extractFacts. */
function currentHasError(cursor: TreeCursor): boolean {
  return cursor.currentNode.hasError;
}

function extractFrom(root: SyntaxNode, hasError: boolean, cursor: TreeCursor, text: string, file: string, grammar: string): Extraction {
  const cpp = grammar === "cpp";
  /** Arguments are read from the text (see arguments.ts) where the tree has no error; null: from the tree. */
  const words = grammarWords(cpp ? "cpp" : "c");
  /**
   * Calls that end before this index lie in a node without errors (in a tree without any, everywhere). In a tree with
   * errors, each node the walk enters within CLEAN_DEPTH levels of the top and outside such a node is asked (one
   * node object each, at most MAX_CLEAN_PROBES): finding the ERROR nodes themselves (descendantsOfType) walks the
   * whole tree natively, and cost a tenth of the parse on redis.
   */
  let cleanUntil = hasError ? -1 : Infinity;
  let probes = 0;
  let types = typeTables.get(grammar);
  if (types === undefined) typeTables.set(grammar, (types = new TypeTable()));
  const typeAt = (c: TreeCursor): string => types.type(c);
  const lines = new LineIndex(text);
  const facts: SourceFact[] = [];
  const addresses: AddressFact[] = [];
  const functions: { name: string; location: SourceLocation }[] = [];

  const stack: Scope[] = [];
  /** Calls outside any function (initializers of globals) are numbered among themselves. */
  const fileScope: Scope = { kind: "function", end: Infinity, label: "", calls: 0 };
  /** Start indexes of SYS_x arguments already reported as syscall() uses. */
  const claimed = new Set<number>();
  /** Start indexes of string nodes already reported (pieces of one concatenated string share it). */
  const seenStrings = new Set<number>();

  /**
   * The context of the current stack, made once per stack state: the facts under the same scopes share one
   * conditions array (a tree's analysis keeps every fact, and decides each distinct array once).
   */
  let current: { fn: Scope | undefined; inLoop: boolean; conditions: string[] } | undefined;
  const push = (scope: Scope): void => {
    stack.push(scope);
    current = undefined;
  };
  const popTo = (index: number): void => {
    while (stack.length > 0 && (stack[stack.length - 1] as Scope).end <= index) {
      stack.pop();
      current = undefined;
    }
  };

  /** Function, conditions and (for calls) loop state of the current position. */
  const context = (): { fn: Scope | undefined; inLoop: boolean; conditions: string[] } => {
    if (current !== undefined) return current;
    let fn: Scope | undefined;
    let inLoop = false;
    const conditions: string[] = [];
    for (let i = stack.length - 1; i >= 0; i--) {
      const s = stack[i] as Scope;
      if (s.kind === "conditional") conditions.push(s.label);
      else if (s.kind === "loop") {
        if (fn === undefined) inLoop = true;
      } else if (fn === undefined) fn = s;
    }
    conditions.reverse();
    return (current = { fn, inLoop, conditions: conditions.length === 0 ? NO_CONDITIONS : conditions });
  };

  const base = (start: number, end: number, fn: Scope | undefined, conditions: string[]) => {
    const location = lines.location(file, start, end);
    const b: { location: SourceLocation; function?: string; excerpt: string; conditions: string[] } = {
      location,
      excerpt: lines.lineText(location.line - 1),
      conditions,
    };
    if (fn !== undefined) b.function = fn.label;
    return b;
  };

  const argFact = (type: string, start: number, end: number): ArgFact => {
    const raw = text.slice(start, end);
    const argText = clip(raw.trim());
    switch (type) {
      case "string_literal":
      case "concatenated_string":
      case "raw_string_literal":
        return { text: argText, kind: "string", value: decodeStringLiterals(raw) };
      case "number_literal": {
        const value = decodeInteger(raw);
        return value === undefined ? { text: argText, kind: "number" } : { text: argText, kind: "number", value };
      }
      case "unary_expression": {
        // -1 and +2 are numbers to a reader (kill(-1, …)); other unary expressions are not.
        const value = raw.startsWith("-") || raw.startsWith("+") ? decodeInteger(raw) : undefined;
        return value === undefined ? { text: argText, kind: "other" } : { text: argText, kind: "number", value };
      }
      case "identifier":
        return { text: argText, kind: "identifier" };
      case "call_expression":
        return { text: argText, kind: "call" };
      default:
        return { text: argText, kind: "other" };
    }
  };

  /**
   * The cursor is on the call_expression. Every cursor read is a native call, so the callee text is taken from the
   * source (call start up to the argument list), and the separators between arguments are skipped unread when the
   * text shows a comma or the closing parenthesis right after an argument. Returns where the argument list starts
   * (-1 without one).
   */
  const onCall = (start: number, end: number): number => {
    if (!cursor.gotoFirstChild()) return -1;
    const calleeType = typeAt(cursor);
    let argsStart = -1;
    while (cursor.gotoNextSibling()) {
      const s = cursor.startIndex;
      if (text.charCodeAt(s) === 40 /* ( */) {
        argsStart = s;
        break;
      }
    }
    // Every call's facts are kept for the whole tree's analysis: its list of arguments is made at its final size
    // (an array grown by push keeps room for 17 elements: 9.9 MB of redis's 47 MB of facts).
    let args: ArgFact[] = NO_ARGS;
    let firstArgStart = -1;
    let calleeEnd = end;
    if (argsStart >= 0) {
      calleeEnd = argsStart;
      const argsEnd = cursor.endIndex;
      // Read from the text when the list ends with its ")" (not a MISSING one) in a part of the tree without errors.
      const fromText =
        words !== null && argsEnd <= cleanUntil && text.charCodeAt(argsEnd - 1) === 41 /* ) */
          ? argumentsFromText(text, argsStart, argsEnd - 1, words, cpp)
          : undefined;
      if (fromText !== undefined) {
        if (fromText.length > 0) {
          firstArgStart = (fromText[0] as TextArg).start;
          // Not fromText.map: an array a builtin makes has no allocation site, so V8 cannot learn that these live
          // for the whole scan and allocate them where they stay (pretenuring); each was copied by two scavenges.
          args = new Array<ArgFact>(fromText.length);
          for (let k = 0; k < fromText.length; k++) {
            const a = fromText[k] as TextArg;
            args[k] = argFact(a.type, a.start, a.end);
          }
        }
      } else if (cursor.gotoFirstChild()) {
        // on "("
        while (cursor.gotoNextSibling()) {
          const t = typeAt(cursor);
          if (!types.lastNamed()) continue; // "," ")"
          // Comments and #if blocks inside an argument list are not arguments.
          if (t === "comment" || t.startsWith("preproc_")) continue;
          const aStart = cursor.startIndex;
          const aEnd = cursor.endIndex;
          if (args === NO_ARGS) {
            firstArgStart = aStart;
            args = [];
          }
          args.push(argFact(t, aStart, aEnd));
          let p = aEnd;
          while (p < argsEnd && isSpace(text.charCodeAt(p))) p++;
          const next = text.charCodeAt(p);
          if (next === 44 /* , */) {
            if (!cursor.gotoNextSibling()) break;
          } else if (next === 41 /* ) */ && p === argsEnd - 1) break;
        }
        cursor.gotoParent();
        if (args.length > 0) args = args.slice();
      }
    }
    cursor.gotoParent(); // back on the call
    let calleeText = text.slice(start, calleeEnd);
    if (calleeText.includes("/")) calleeText = calleeText.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    calleeText = calleeText.trim();
    const callee = calleeType === "identifier" ? calleeText : NAMED_CALLEES.has(calleeType) ? lastName(calleeText) : "";

    const { fn, inLoop, conditions } = context();
    const counter = fn ?? fileScope;
    const location = lines.location(file, start, end);
    const excerpt = lines.lineText(location.line - 1);
    // Made whole, in one of two shapes: a property added afterwards (`call.function = ...`) costs each call an
    // out-of-object property array, and a shape reached by that transition dies with the last fact that had it,
    // taking the optimized code that knew it along ("weak objects").
    const order = counter.calls++;
    const call: CallFact =
      fn === undefined
        ? { kind: "call", callee, calleeText: clip(calleeText), args, inLoop, order, location, excerpt, conditions }
        : { kind: "call", callee, calleeText: clip(calleeText), args, inLoop, order, location, excerpt, conditions, function: fn.label };
    facts.push(call);
    if (callee === "syscall" && args[0]?.kind === "identifier") {
      const m = SYSCALL_CONSTANT.exec(args[0].text);
      if (m !== null) {
        claimed.add(firstArgStart);
        const use: SyscallUseFact = {
          kind: "syscall-use",
          name: m[1] as string,
          via: "syscall()",
          location: { ...location },
          excerpt,
          conditions: [...conditions],
        };
        if (fn !== undefined) use.function = fn.label;
        facts.push(use);
      }
    }
    return argsStart;
  };

  /** End of the last initializer list read: the lists nested in it were read with it. */
  let initializersEnd = -1;
  /**
   * The cursor is on an initializer_list, and is left there: every element (or designated value) that is a name,
   * `&name` or a cast of one, through nested lists, is an address stored. Lists with no name outside designators
   * and number suffixes (data tables) are not walked.
   */
  const onInitializer = (start: number, end: number): void => {
    initializersEnd = end;
    if (!INITIALIZER_NAME.test(text.slice(start, end))) return;
    const { fn, conditions } = context();
    const record = (s: number, e: number): void => {
      const m = ADDRESS_OF.exec(text.slice(s, e));
      if (m === null) return;
      const a: AddressFact = { name: m[1] as string, line: lines.row(s) + 1, conditions };
      if (fn !== undefined) a.function = fn.label;
      addresses.push(a);
    };
    const list = (depth: number): void => {
      if (depth > 16 || !cursor.gotoFirstChild()) return;
      do {
        let t = typeAt(cursor);
        let down = 0;
        if (t === "initializer_pair") {
          // the value is the pair's last child: `.start = my_start`, `[3] = on_c`
          if (!cursor.gotoFirstChild()) continue;
          down = 1;
          while (cursor.gotoNextSibling());
          t = typeAt(cursor);
        }
        if (t === "initializer_list") list(depth + 1);
        else if (t === "identifier" || t === "pointer_expression" || t === "cast_expression") record(cursor.startIndex, cursor.endIndex);
        if (down > 0) cursor.gotoParent();
      } while (cursor.gotoNextSibling());
      cursor.gotoParent();
    };
    list(0);
  };

  /** The cursor is on the gnu_asm_expression. */
  const onAsm = (start: number, end: number): void => {
    let tStart = start;
    let tEnd = end;
    if (cursor.gotoFirstChild()) {
      do {
        if (cursor.currentFieldName === "assembly_code") {
          tStart = cursor.startIndex;
          tEnd = cursor.endIndex;
          break;
        }
      } while (cursor.gotoNextSibling());
      cursor.gotoParent();
    }
    const asmText = decodeStringLiterals(text.slice(tStart, tEnd));
    const { fn, conditions } = context();
    facts.push({ kind: "asm", text: asmText, syscall: ASM_SYSCALL.test(asmText), ...base(start, end, fn, conditions) });
  };

  /** Moves the cursor to the current node's child with this field name. */
  const gotoField = (field: string): boolean => {
    if (!cursor.gotoFirstChild()) return false;
    do {
      if (cursor.currentFieldName === field) return true;
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
    return false;
  };

  const gotoInnerDeclarator = (): boolean => {
    if (gotoField("declarator")) return true;
    // parenthesized, reference and attributed declarators hold their inner declarator without a field name
    if (!cursor.gotoFirstChild()) return false;
    do {
      if (!DECLARATOR_NOISE.has(typeAt(cursor)) && types.lastNamed()) return true;
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
    return false;
  };

  /** The cursor is on the function_definition, and is left there. */
  const functionName = (): string => {
    let depth = 0;
    let name = "";
    if (gotoField("declarator")) {
      depth++;
      while (depth < 64) {
        if (!DECLARATOR_WRAPPERS.has(typeAt(cursor))) {
          name = clip(
            text
              .slice(cursor.startIndex, cursor.endIndex)
              .replace(/\s*::\s*/g, "::")
              .replace(/\s+/g, " "),
          );
          break;
        }
        if (!gotoInnerDeclarator()) break;
        depth++;
      }
    }
    for (; depth > 0; depth--) cursor.gotoParent();
    return name;
  };

  const onHit = (index: number): void => {
    HIT_AT.lastIndex = index;
    const match = HIT_AT.exec(text) as RegExpExecArray;
    const hitEnd = index + match[0].length;
    popTo(index);
    const stored = match[2];
    if (stored !== undefined) {
      // A function's address stored at run time counts as taken, as in an initializer: the right side of an
      // assignment to a field or an element (not a comment, a string or a macro body).
      const at = index + match[0].search(STORED_NAME);
      const node = root.descendantForIndex(at, at + stored.length);
      if (node.type !== "identifier") return;
      let up = node.parent;
      while (up !== null && STORED_WRAPPERS.has(up.type)) up = up.parent;
      const left = up?.type === "assignment_expression" ? up.childForFieldName("left")?.type : undefined;
      if (left !== "field_expression" && left !== "subscript_expression") return;
      const { fn, conditions } = context();
      const a: AddressFact = { name: stored, line: lines.row(at) + 1, conditions };
      if (fn !== undefined) a.function = fn.label;
      addresses.push(a);
      return;
    }
    const name = match[1];
    if (name !== undefined) {
      // SYS_x / __NR_x
      if (claimed.has(index)) return;
      const node = root.descendantForIndex(index, hitEnd);
      const type = node.type;
      let via: "syscall()" | "constant" = "constant";
      if (type === "identifier") {
        // #ifdef SYS_x, #if defined(__NR_x), #define SYS_x …, #undef: tests and definitions, not uses
        if (lines.lineText(lines.row(index)).startsWith("#")) return;
      } else if (type === "preproc_arg") {
        // A macro body is opaque to tree-sitter, but `#define gettid() syscall(SYS_gettid)` is a use all the same,
        // unless the macro only renames a syscall number (#define SYS_read __NR_read).
        const macro = macroName(node);
        if (macro === undefined || /^(?:SYS|__NR)_/.test(macro)) return;
        if (/\bsyscall\s*\(\s*$/.test(text.slice(Math.max(node.startIndex, index - 64), index))) via = "syscall()";
      } else {
        return; // comments, strings
      }
      const { fn, conditions } = context();
      facts.push({ kind: "syscall-use", name, via, ...base(index, hitEnd, fn, conditions) });
      return;
    }
    // A string opening with "/proc, "/sys or "/dev/
    const node = root.descendantForIndex(index, index + 1);
    let start: number;
    let end: number;
    let value: string;
    // the opening-quote token: " or, with an encoding prefix, L" u" U" u8"
    if (node.type.endsWith('"') && node.type.length <= 3) {
      const literal = node.parent;
      if (literal === null || literal.type !== "string_literal") return;
      let target = literal;
      const outer = literal.parent;
      if (outer !== null && outer.type === "concatenated_string") target = outer;
      else if (outer !== null && outer.type === "preproc_include") return;
      start = target.startIndex;
      if (seenStrings.has(start)) return;
      seenStrings.add(start);
      end = target.endIndex;
      value = decodeStringLiterals(text.slice(start, end));
    } else if (node.type === "preproc_arg") {
      // `#define MEMINFO "/proc/meminfo"`: the literal as written in the macro body
      if (macroName(node) === undefined) return;
      const r = readQuoted(text, index + 1);
      start = index;
      end = r.end;
      value = r.value;
    } else {
      return; // comments, character literals, the inside of other strings
    }
    if (!isPseudoFilePath(value)) return;
    const { fn, conditions } = context();
    facts.push({ kind: "string", value, ...base(start, end, fn, conditions) });
  };

  /** The name of the #define whose body is this preproc_arg, or undefined when it is another directive's text. */
  const macroName = (arg: SyntaxNode): string | undefined => {
    const def = arg.parent;
    if (def === null || (def.type !== "preproc_def" && def.type !== "preproc_function_def")) return undefined;
    MACRO_NAME.lastIndex = def.startIndex;
    return MACRO_NAME.exec(text)?.[1] ?? "";
  };

  // The rare tokens, found in the text; each is looked up in the tree when the walk passes its position. Only their
  // start is kept (a match object each was 150 MB for 8 MiB of "SYS_fork "); onHit matches again there.
  const hits: number[] = [];
  HITS.lastIndex = 0;
  for (let m = HITS.exec(text); m !== null; m = HITS.exec(text)) hits.push(m.index);
  let nextHit = 0;
  const flushHits = (before: number): void => {
    for (let h = hits[nextHit]; h !== undefined && h < before; h = hits[++nextHit]) onHit(h);
  };

  // Marks: every "(" that may open an argument list, a declarator's parameters or an asm operand list (see
  // mayOpenCall), and every hit, in text order. The walk enters only nodes that contain an unvisited mark and jumps
  // straight to the child holding the next one (gotoFirstChildForIndex), so most leaves and paren-free statements are
  // never visited from JS.
  const marks: number[] = [];
  {
    let h = 0;
    for (let p = text.indexOf("("); p >= 0; p = text.indexOf("(", p + 1)) {
      if (!mayOpenCall(text, p)) continue;
      for (let hit = hits[h]; hit !== undefined && hit < p; hit = hits[++h]) marks.push(hit);
      marks.push(p);
    }
    for (let hit = hits[h]; hit !== undefined; hit = hits[++h]) marks.push(hit);
    // The "{" of each initializer (`= {`), merged in: where a function's address can be stored without a call.
    const braces: number[] = [];
    for (let p = text.indexOf("{"); p >= 0; p = text.indexOf("{", p + 1)) {
      let q = p - 1;
      while (q >= 0 && isSpace(text.charCodeAt(q))) q--;
      if (q >= 0 && text.charCodeAt(q) === 61 /* = */ && !/[=!<>+\-*/%&|^]/.test(text[q - 1] ?? "")) braces.push(p);
    }
    if (braces.length > 0) {
      const merged: number[] = [];
      let b = 0;
      for (const m of marks) {
        for (let x = braces[b]; x !== undefined && x < m; x = braces[++b]) merged.push(x);
        merged.push(m);
      }
      for (let x = braces[b]; x !== undefined; x = braces[++b]) merged.push(x);
      marks.length = 0;
      for (const m of merged) marks.push(m);
    }
  }
  const markCount = marks.length;
  let mi = 0;
  const skipMarks = (end: number): void => {
    while (mi < markCount && (marks[mi] as number) < end) mi++;
  };

  let errorNodes = 0;
  /** Ends of the nodes on the cursor's path, below the current one. */
  const ends: number[] = [];
  let currentEnd = cursor.endIndex;
  /** Whether each of those nodes (and the current one) may have very many children: ERROR and the root. */
  const wide: boolean[] = [];
  let currentWide = true;
  /** Where the walk stopped at the bound on a file's facts (MAX_FACTS), or -1. */
  let stoppedAt = -1;
  for (;;) {
    const mark = mi < markCount ? (marks[mi] as number) : Infinity;
    if (facts.length + addresses.length + functions.length >= MAX_FACTS && mark !== Infinity) {
      stoppedAt = mark;
      break;
    }
    if (mark >= currentEnd) {
      const up = ends.pop();
      if (up === undefined) break;
      currentEnd = up;
      currentWide = wide.pop() ?? false;
      // In an ERROR node or at the top level, the next mark is found by stepping to the sibling that holds it rather
      // than by going up and jumping, which scans the parent's children from the first one each time: quadratic in
      // a wide node (an ERROR node of 300,000 tokens over 1 MiB of garbage took 20 s; stepping, 0.5 s). Elsewhere
      // children are few, and the jump skips them natively (stepping everywhere made real files' extraction 20% slower).
      let sibling = false;
      if (mark < up && currentWide) {
        while (cursor.gotoNextSibling()) {
          if (cursor.endIndex > mark) {
            sibling = true;
            break;
          }
        }
      }
      if (!sibling) {
        cursor.gotoParent();
        continue;
      }
    } else if ((cursor.gotoFirstChildForIndex(mark) as unknown) === null) {
      // The binding returns the child's index or null (its typings say boolean; index 0 is falsy).
      skipMarks(currentEnd); // inside a leaf token
      continue;
    }
    // Every read is a native call, so the start is read only where it is used. flushHits and popTo take the mark:
    // no mark lies between this node's start and `mark` (they were all visited), so the result is the same. (A
    // mark in a gap between children, which only error recovery could leave, costs a needless descent, no more.)
    const type = typeAt(cursor);
    const end = cursor.endIndex;
    if (end > cleanUntil && ends.length < CLEAN_DEPTH && probes < MAX_CLEAN_PROBES) {
      probes++;
      if (!currentHasError(cursor)) cleanUntil = end;
    }
    flushHits(mark);
    popTo(mark);
    let descend = true;
    switch (type) {
      case "call_expression":
        // The usual call, `f(x)`: the mark that led here is its argument list's "(". When no other mark lies
        // inside the call, there is nothing more to find in it, and the walk does not enter it.
        if (onCall(cursor.startIndex, end) === mark) {
          mi++;
          if (mi >= markCount || (marks[mi] as number) >= end) descend = false;
        }
        break;
      case "function_definition": {
        const start = cursor.startIndex;
        const name = functionName();
        functions.push({ name, location: lines.location(file, start, end) });
        push({ kind: "function", end, label: name, calls: 0 });
        break;
      }
      case "gnu_asm_expression":
        onAsm(cursor.startIndex, end);
        break;
      case "ERROR":
        errorNodes++;
        break;
      case "initializer_list":
        if (text.charCodeAt(mark) === 123 && cursor.startIndex === mark) mi++;
        // A list nested in one already read (reached through a "(" inside it) is not read again.
        if (end > initializersEnd) onInitializer(cursor.startIndex, end);
        break;
      case "argument_list":
      case "parameter_list":
      case "parenthesized_expression":
        // A "(" opening this node is its own first token: there is nothing to find in it.
        if (text.charCodeAt(mark) === 40 && cursor.startIndex === mark) mi++;
        break;
      case "comment":
      case "string_literal":
      case "concatenated_string":
      case "raw_string_literal":
      case "char_literal":
      case "system_lib_string":
      case "preproc_arg":
        descend = false; // holds no calls; hits inside are handled by onHit
        break;
      default:
        if (LOOP_SET.has(type)) push({ kind: "loop", end, label: "", calls: 0 });
        else if (CONDITIONAL_SET.has(type)) {
          push({ kind: "conditional", end, label: directiveText(text, cursor.startIndex), calls: 0 });
        }
    }
    ends.push(currentEnd);
    currentEnd = end;
    wide.push(currentWide);
    currentWide = type === "ERROR";
    if (!descend) {
      // Stay on the node, as after a visit: the next mark is found from here (a later sibling, or above).
      skipMarks(end);
      continue;
    }
  }
  if (stoppedAt < 0) flushHits(Infinity);

  facts.sort(
    (a, b) =>
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      compareStrings(a.kind, b.kind),
  );

  // The count is of the ERROR nodes the walk entered (those around a "(" or a hit). Counting every ERROR and MISSING
  // node needs a walk of the whole tree along its error paths, one node object for each node with children there,
  // each with a weak reference every scavenge must visit: on the 206 of redis's 562 files where the walk met none,
  // that search cost 150-190 ms of a 2,700 ms whole-tree pass (0.18x of the parse) to word a warning. The root says
  // whether the tree is broken; the warning says so without a count when the walk met no ERROR node.
  const extraction: Extraction = { facts, functions, parseErrors: errorNodes, broken: hasError, addresses };
  if (stoppedAt >= 0) extraction.stoppedAt = lines.location(file, stoppedAt, stoppedAt);
  return extraction;
}
