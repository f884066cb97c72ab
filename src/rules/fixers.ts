// @fileoverview The mechanical rewrites behind `unifit fix`, one per rule `fix:` name. Each takes the source text and
// the line of a finding and returns new text, or a reason why this occurrence is not mechanical (then nothing
// changes and the user gets the rule's advice instead).

export interface FixResult {
  text: string;
  applied: { line: number; fix: string; what: string }[];
  skipped: { line: number; fix: string; reason: string }[];
}

type Fixer = (lines: string[], index: number) => { replace: [number, number, string[]]; includes?: string[]; what: string } | string;

/** Index of the line that closes the brace opened on line `start` (counting braces, ignoring strings roughly). */
function closingLine(lines: string[], start: number): number | undefined {
  let depth = 0;
  for (let i = start; i < lines.length && i < start + 200; i++) {
    const code = (lines[i] as string).replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""').replace(/\/\/.*$/, "");
    for (const ch of code) {
      if (ch === "{") depth++;
      else if (ch === "}") {
        depth--;
        if (depth === 0) return i;
      }
    }
  }
  return undefined;
}

/**
 * daemon-foreground: removes the daemon() statement so the program stays in the foreground. Handles
 * `daemon(...);`, `if (daemon(...) <op> x) stmt;` and `if (daemon(...) <op> x) { ... }` when the condition is only
 * the daemon() test.
 */
const daemonForeground: Fixer = (lines, i) => {
  const line = lines[i] as string;
  if (/^\s*\(void\)\s*daemon\s*\([^()]*\)\s*;\s*$/.test(line) || /^\s*daemon\s*\([^()]*\)\s*;\s*$/.test(line)) {
    return { replace: [i, i, []], what: "removed daemon(): the program stays in the foreground" };
  }
  const cond = /^\s*if\s*\(\s*daemon\s*\([^()]*\)\s*(?:[<>=!]=?\s*-?\d+)?\s*\)\s*(.*)$/.exec(line);
  if (cond === null) return "daemon() is part of a larger expression: remove it by hand";
  const rest = (cond[1] as string).trim();
  if (rest.startsWith("{")) {
    const end = closingLine(lines, i);
    if (end === undefined) return "could not find the end of the if block";
    if (!/^\s*}\s*$/.test(lines[end] as string)) return "the if block continues after its closing brace (else branch)";
    return { replace: [i, end, []], what: "removed the daemon() test and its error branch: the program stays in the foreground" };
  }
  if (rest.endsWith(";") && !/\belse\b/.test(lines[i + 1] ?? "")) {
    return { replace: [i, i, []], what: "removed the daemon() test: the program stays in the foreground" };
  }
  return "the daemon() test spans several lines: remove it by hand";
};

const SAFE_ARG = /^[\w./+@%:,=-]+$/;

/** shell-builtin: `system("mkdir -p DIR")`-style literal commands of mkdir, rm, mv, chmod and ln become the library call. */
const shellBuiltin: Fixer = (lines, i) => {
  const line = lines[i] as string;
  const m = /^(\s*)(?:\(void\)\s*)?system\s*\(\s*"([^"\\]*)"\s*\)\s*;\s*$/.exec(line);
  if (m === null) return "not a plain system(\"...\"); statement with a literal command";
  const indent = m[1] as string;
  const words = (m[2] as string).trim().split(/\s+/);
  if (!words.every((w) => SAFE_ARG.test(w))) return "the command uses shell syntax (quotes, variables, pipes, globs)";
  const [cmd, ...args] = words;
  const flags = args.filter((a) => a.startsWith("-"));
  const operands = args.filter((a) => !a.startsWith("-"));
  const q = (s: string): string => JSON.stringify(s);
  const stmt = (code: string, includes: string[], what: string) => ({ replace: [i, i, [`${indent}${code}`]] as [number, number, string[]], includes, what });
  if (cmd === "mkdir" && operands.length === 1 && flags.every((f) => f === "-p")) {
    const d = operands[0] as string;
    if (flags.length === 1 && d.includes("/") && d.replace(/\/+$/, "").split("/").filter((x) => x !== "").length > 1 && !d.startsWith("/tmp/")) {
      // mkdir -p of a nested path needs every parent: not one call.
    }
    const ok = flags.length === 1 ? " && errno != EEXIST" : "";
    return stmt(`if (mkdir(${q(d)}, 0777) != 0${ok}) perror(${q(`mkdir ${d}`)});`, ["sys/stat.h", "errno.h", "stdio.h"], `system("mkdir") → mkdir(${d})`);
  }
  if (cmd === "rm" && operands.length === 1 && flags.every((f) => f === "-f")) {
    const f = operands[0] as string;
    const ok = flags.length === 1 ? " && errno != ENOENT" : "";
    return stmt(`if (unlink(${q(f)}) != 0${ok}) perror(${q(`rm ${f}`)});`, ["unistd.h", "errno.h", "stdio.h"], `system("rm") → unlink(${f})`);
  }
  if (cmd === "mv" && operands.length === 2 && flags.length === 0) {
    const [a, b] = operands as [string, string];
    return stmt(`if (rename(${q(a)}, ${q(b)}) != 0) perror(${q(`mv ${a} ${b}`)});`, ["stdio.h"], `system("mv") → rename()`);
  }
  if (cmd === "chmod" && operands.length === 2 && flags.length === 0 && /^[0-7]{3,4}$/.test(operands[0] as string)) {
    const [mode, f] = operands as [string, string];
    return stmt(`if (chmod(${q(f)}, 0${mode.replace(/^0/, "")}) != 0) perror(${q(`chmod ${f}`)});`, ["sys/stat.h", "stdio.h"], `system("chmod") → chmod()`);
  }
  if (cmd === "ln" && operands.length === 2 && (flags.length === 0 || (flags.length === 1 && flags[0] === "-s"))) {
    const [a, b] = operands as [string, string];
    const fn = flags.length === 1 ? "symlink" : "link";
    return stmt(`if (${fn}(${q(a)}, ${q(b)}) != 0) perror(${q(`ln ${a} ${b}`)});`, ["unistd.h", "stdio.h"], `system("ln") → ${fn}()`);
  }
  return `"${words.join(" ")}" is not one of the mechanical cases (mkdir [-p], rm [-f], mv, chmod MODE, ln [-s] with one operand each)`;
};

export const fixers: Readonly<Record<string, Fixer>> = {
  "daemon-foreground": daemonForeground,
  "shell-builtin": shellBuiltin,
};

function addIncludes(lines: string[], includes: readonly string[]): string[] {
  const have = new Set(lines.map((l) => /^\s*#\s*include\s*<([^>]+)>/.exec(l)?.[1]).filter((x): x is string => x !== undefined));
  const missing = [...new Set(includes)].filter((h) => !have.has(h));
  if (missing.length === 0) return lines;
  let last = -1;
  lines.forEach((l, i) => {
    if (/^\s*#\s*include\b/.test(l)) last = i;
  });
  const out = [...lines];
  out.splice(last + 1, 0, ...missing.sort().map((h) => `#include <${h}>`));
  return out;
}

/** Applies the fixes named by findings (line numbers 1-based, fix names), bottom-up so that line numbers hold. */
export function applyFixes(text: string, findings: readonly { line: number; fix: string }[]): FixResult {
  let lines = text.split("\n");
  const result: FixResult = { text, applied: [], skipped: [] };
  const includes: string[] = [];
  const seen = new Set<string>();
  const ordered = [...findings].sort((a, b) => b.line - a.line);
  for (const f of ordered) {
    const key = `${f.line}:${f.fix}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const fixer = fixers[f.fix];
    if (fixer === undefined) {
      result.skipped.push({ line: f.line, fix: f.fix, reason: "no such fixer" });
      continue;
    }
    const r = fixer(lines, f.line - 1);
    if (typeof r === "string") {
      result.skipped.push({ line: f.line, fix: f.fix, reason: r });
      continue;
    }
    const [from, to, replacement] = r.replace;
    lines = [...lines.slice(0, from), ...replacement, ...lines.slice(to + 1)];
    includes.push(...(r.includes ?? []));
    result.applied.push({ line: f.line, fix: f.fix, what: r.what });
  }
  if (includes.length > 0) lines = addIncludes(lines, includes);
  result.text = lines.join("\n");
  result.applied.reverse();
  result.skipped.reverse();
  return result;
}
