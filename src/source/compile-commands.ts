// @fileoverview compile_commands.json (the JSON compilation database CMake, Meson and Bear write): which source files
// the build compiles, and the -D/-U flags of each, so that #if branches are decided where the build decides them.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

export interface CompileFlags {
  defines: string[];
  undefines: string[];
}

export interface CompileDatabase {
  path: string;
  /** Absolute source path → its flags (the first entry of a file compiled twice). */
  files: ReadonlyMap<string, CompileFlags>;
}

/** A command line split as a POSIX shell would for the simple quoting build tools write ('…', "…", \x). */
function splitCommand(command: string): string[] {
  const out: string[] = [];
  let cur = "";
  let any = false;
  let quote: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < command.length) cur += command[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      any = true;
    } else if (c === "\\" && i + 1 < command.length) {
      cur += command[++i];
      any = true;
    } else if (/\s/.test(c)) {
      if (any || cur !== "") out.push(cur);
      cur = "";
      any = false;
    } else cur += c;
  }
  if (any || cur !== "") out.push(cur);
  return out;
}

function flagsOf(args: readonly string[]): CompileFlags {
  const defines: string[] = [];
  const undefines: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "-D" || a === "-U") {
      const v = args[++i];
      if (v !== undefined) (a === "-D" ? defines : undefines).push(v);
    } else if (a.startsWith("-D")) defines.push(a.slice(2));
    else if (a.startsWith("-U")) undefines.push(a.slice(2));
  }
  return { defines, undefines };
}

/** Reads a compilation database; throws an Error whose message names the problem (the caller adds the path). */
export function loadCompileCommands(path: string): CompileDatabase {
  const data: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (!Array.isArray(data)) throw new Error("not a JSON array of compile commands");
  const files = new Map<string, CompileFlags>();
  data.forEach((e: unknown, i) => {
    const entry = e as { directory?: unknown; file?: unknown; command?: unknown; arguments?: unknown };
    if (typeof entry !== "object" || entry === null || typeof entry.file !== "string") throw new Error(`entry ${i} has no "file"`);
    // A relative directory (hand-written databases, fixtures) is taken from where the database is.
    const dir = typeof entry.directory === "string" ? resolve(dirname(path), entry.directory) : dirname(path);
    const args = Array.isArray(entry.arguments)
      ? entry.arguments.filter((a): a is string => typeof a === "string")
      : typeof entry.command === "string"
        ? splitCommand(entry.command)
        : [];
    const file = resolve(dir, entry.file);
    if (!files.has(file)) files.set(file, flagsOf(args));
  });
  return { path, files };
}
