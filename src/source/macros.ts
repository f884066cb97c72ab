// @fileoverview Function-like and object-like macros whose body calls functions (`#define SPAWN() fork()`,
// `#define my_fork fork`): name → the functions the body calls, so that each use of the macro counts as those calls.
// Read from the text with a small lexer (comments and strings blanked), not from the tree: tree-sitter keeps a
// macro body as one opaque preproc_arg.

export interface MacroDef {
  name: string;
  /** 1-based line of the #define. */
  line: number;
  /** Functions the body calls (identifiers followed by "("), or the one identifier an object-like body is. */
  calls: string[];
}

const KEYWORDS = new Set(["if", "while", "for", "switch", "return", "sizeof", "do", "else", "defined", "__typeof__", "typeof", "_Generic", "__builtin_expect", "__attribute__", "alignof", "_Alignof", "offsetof", "__extension__"]);

/** Blanks comments and string/char literals (keeping offsets and newlines), so the lexer sees only code. */
function blank(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'/g, (m) => m.replace(/[^\n]/g, " "));
}

/**
 * The #define directives of a file that call something. Only the directive lines are read (their comments and
 * literals blanked): a whole-file lexer costs as much as the rest of the tree analysis. A `#define` written inside
 * a block comment is therefore taken as one; it matters only when its name is also called in code.
 */
export function macroDefs(text: string): MacroDef[] {
  if (!text.includes("define")) return [];
  const code = text;
  const out: MacroDef[] = [];
  let line = 1;
  let counted = 0;
  const re = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\([^)]*\))?((?:[^\n\\]|\\\r?\n|\\)*)/gm;
  for (let m = re.exec(code); m !== null; m = re.exec(code)) {
    const name = m[1] as string;
    const body = blank((m[3] ?? "").replace(/\\\r?\n/g, " ")).trim();
    let calls: string[] = [];
    if (m[2] === undefined && /^[A-Za-z_]\w*$/.test(body)) calls = [body];
    else {
      for (const c of body.matchAll(/([A-Za-z_]\w*)\s*\(/g)) {
        const callee = c[1] as string;
        if (!KEYWORDS.has(callee) && callee !== name) calls.push(callee);
      }
    }
    if (calls.length === 0) continue;
    for (let p = code.indexOf("\n", counted); p >= 0 && p < m.index; p = code.indexOf("\n", p + 1)) line++;
    counted = m.index;
    out.push({ name, line, calls: [...new Set(calls)] });
  }
  return out;
}
