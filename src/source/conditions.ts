// @fileoverview Whether a line under some #if/#ifdef/#elif/#else directives is compiled on Linux: each directive's
// condition is evaluated in three-valued logic (true, false, unknown) from the platform macros a Linux compiler
// defines and the -D/-U flags of a compile command; anything else stays unknown, so a line is dropped or marked only
// when the directives decide it.

/** Why a line is not compiled: a literal `#if 0` (dead code), or a platform conditional that excludes Linux. */
export type NotBuilt =
  | { kind: "dead"; because: string }
  | { kind: "non-linux"; because: string }
  /** Excluded by the build: a file compile_commands.json does not compile, or a branch its -D/-U flags rule out. */
  | { kind: "not-compiled"; because: string };

/** Macros a compiler targeting x86-64/aarch64 Linux with glibc defines (true) or never defines (false). */
const LINUX_DEFINED = ["__linux__", "__linux", "linux", "__gnu_linux__", "__unix__", "__unix", "unix", "__GNUC__", "__ELF__", "__GLIBC__"];
const LINUX_UNDEFINED = [
  "_WIN32", "_WIN64", "WIN32", "_WINDOWS", "__WINDOWS__", "__CYGWIN__", "__MINGW32__", "__MINGW64__", "_MSC_VER",
  "__APPLE__", "__MACH__", "__FreeBSD__", "__NetBSD__", "__OpenBSD__", "__DragonFly__", "__bsdi__", "__sun", "__sun__",
  "__SVR4", "_AIX", "__hpux", "__HAIKU__", "__QNX__", "__QNXNTO__", "__ANDROID__", "__illumos__", "__MVS__", "__OS400__",
  "__minix", "__GNU__", "__FreeBSD_kernel__", "__EMSCRIPTEN__", "__wasi__", "__VMS", "__amigaos__", "__OS2__", "__DJGPP__",
];

export interface MacroFacts {
  /** Name → defined (true) or undefined (false); names absent are unknown. */
  defined: ReadonlyMap<string, boolean>;
}

export function linuxMacros(defines: readonly string[] = [], undefines: readonly string[] = []): MacroFacts {
  const defined = new Map<string, boolean>();
  for (const n of LINUX_DEFINED) defined.set(n, true);
  for (const n of LINUX_UNDEFINED) defined.set(n, false);
  for (const d of defines) defined.set(d.split("=")[0] as string, true);
  for (const u of undefines) defined.set(u, false);
  return { defined };
}

type Tri = boolean | undefined;
const not = (a: Tri): Tri => (a === undefined ? undefined : !a);
const and = (a: Tri, b: Tri): Tri => (a === false || b === false ? false : a === true && b === true ? true : undefined);
const or = (a: Tri, b: Tri): Tri => (a === true || b === true ? true : a === false && b === false ? false : undefined);

/**
 * A #if expression: defined(X), defined X, integer literals, !, &&, ||, parentheses. Comparisons, arithmetic and
 * plain macro names give unknown (their values are not known here), except a name the facts define as a platform
 * macro (`#if _WIN32` is false on Linux) and, with -D, a name defined to a literal.
 */
export function evaluate(expr: string, facts: MacroFacts): Tri {
  const tokens = expr.match(/defined|[A-Za-z_]\w*|0[xX][0-9a-fA-F]+|\d+\w*|&&|\|\||==|!=|<=|>=|[!()<>+\-*/%&|^~?:,]/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  // Any token this parser does not model makes the whole expression unknown.
  let opaque = false;
  const primary = (): Tri => {
    const t = tokens[i++];
    if (t === undefined) {
      opaque = true;
      return undefined;
    }
    if (t === "!") return not(primary());
    if (t === "(") {
      const v = orExpr();
      if (peek() === ")") i++;
      else opaque = true;
      return v;
    }
    if (t === "defined") {
      const paren = peek() === "(";
      if (paren) i++;
      const name = tokens[i++] ?? "";
      if (paren) {
        if (peek() === ")") i++;
        else opaque = true;
      }
      return facts.defined.get(name);
    }
    if (/^\d/.test(t)) return /^0+[uUlL]*$|^0[xX]0+[uUlL]*$/.test(t) ? false : /^\d/.test(t) ? true : undefined;
    if (/^[A-Za-z_]/.test(t)) {
      // An undefined macro is 0 in #if; a platform macro is defined as 1.
      const d = facts.defined.get(t);
      return d === false ? false : d === true && LINUX_DEFINED.includes(t) ? true : undefined;
    }
    opaque = true;
    return undefined;
  };
  const andExpr = (): Tri => {
    let v = primary();
    while (peek() === "&&") {
      i++;
      v = and(v, primary());
    }
    return v;
  };
  const orExpr = (): Tri => {
    let v = andExpr();
    while (peek() === "||") {
      i++;
      v = or(v, andExpr());
    }
    return v;
  };
  const v = orExpr();
  if (opaque || i < tokens.length) return undefined;
  return v;
}

/** One directive's own condition: #if X, #ifdef X, #ifndef X, #elif X; #else has none. */
function conditionOf(directive: string, facts: MacroFacts): { kind: "if" | "elif" | "else"; value: Tri } {
  const m = /^#\s*(ifdef|ifndef|if|elifdef|elifndef|elif|else)\b\s*(.*)$/.exec(directive);
  if (m === null) return { kind: "if", value: undefined };
  const [, word, rest] = m as unknown as [string, string, string];
  const name = rest.trim().split(/\s/)[0] ?? "";
  switch (word) {
    case "ifdef":
      return { kind: "if", value: facts.defined.get(name) };
    case "ifndef":
      return { kind: "if", value: not(facts.defined.get(name)) };
    case "if":
      return { kind: "if", value: evaluate(rest, facts) };
    case "elifdef":
      return { kind: "elif", value: facts.defined.get(name) };
    case "elifndef":
      return { kind: "elif", value: not(facts.defined.get(name)) };
    case "elif":
      return { kind: "elif", value: evaluate(rest, facts) };
    default:
      return { kind: "else", value: true };
  }
}

/**
 * Whether code under `conditions` (outermost first, as src/source reports them: an #elif or #else follows the #if
 * it belongs to) is compiled on Linux: undefined when it is or may be, else why not. A chain #if A / #elif B / #else
 * holds code in its #else when neither A nor B; each new #if starts a nested chain.
 */
export function notBuilt(conditions: readonly string[], facts: MacroFacts): NotBuilt | undefined {
  const parsed = conditions.map((d) => conditionOf(d, facts));
  let chainStart = 0;
  let none: Tri = true; // no earlier branch of this chain was taken
  let branch: Tri = true;
  for (let k = 0; k < parsed.length; k++) {
    const c = parsed[k] as { kind: "if" | "elif" | "else"; value: Tri };
    if (c.kind === "if") {
      none = true;
      chainStart = k;
    }
    branch = and(none, c.value);
    none = and(none, not(c.value));
    // The chain's last entry here is the branch holding the code (or holding the next chain).
    const last = k + 1 === parsed.length || (parsed[k + 1] as { kind: string }).kind === "if";
    if (last && branch === false) {
      const chain = conditions.slice(chainStart, k + 1);
      const because = chain.join(" / ");
      const platform = chain.some((x) => (x.match(/[A-Za-z_]\w*/g) ?? []).some((w) => facts.defined.has(w)));
      return platform ? { kind: "non-linux", because } : { kind: "dead", because };
    }
  }
  return undefined;
}

const decided = new WeakMap<MacroFacts, WeakMap<readonly string[], NotBuilt | null>>();

/**
 * notBuilt, decided once per conditions array and facts: the facts of a file under the same #if blocks share one
 * array (src/source/extract.ts), so a tree's 60,000 calls need a few thousand decisions.
 */
export function notBuiltOnce(conditions: readonly string[], facts: MacroFacts): NotBuilt | undefined {
  if (conditions.length === 0) return undefined;
  let memo = decided.get(facts);
  if (memo === undefined) decided.set(facts, (memo = new WeakMap()));
  let r = memo.get(conditions);
  if (r === undefined) memo.set(conditions, (r = notBuilt(conditions, facts) ?? null));
  return r ?? undefined;
}
