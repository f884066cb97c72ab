// @fileoverview The key of derived data made by this code: a hash of the compiled modules an entry module imports,
// followed through the import statements of the .js files themselves (not a list kept by hand, which drifts as
// modules are added), and of the name and version of each package they load. A fix in any module the analysis
// runs then changes the key, and stale cache entries are no longer found.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** What an entry module runs: its compiled modules (absolute paths, sorted) and the packages they load (name@version). */
export interface ModuleClosure {
  modules: string[];
  packages: string[];
  /** Relative specifiers that name no file (the key still changes when one appears). */
  missing: string[];
}

/**
 * Module specifiers of one compiled file: static `import … from "x"`, `import "x"` and `export … from "x"`, literal
 * `import("x")`, and literal `require("x")` or `createRequire(…)("x")` (packages loaded through createRequire).
 * Comment lines are skipped and a keyword must not follow a quote, a dot or a word character (the string "import",
 * `obj.import`), but this is not a JavaScript parser: text in a string that looks like an import adds a specifier
 * that is not run. A key that is too wide costs a cache miss, one that is too narrow serves stale results, so the
 * reader errs on the side of more; a test compares what it finds with the compiler's reading of the sources.
 * Linear in the text (no nested quantifiers).
 */
export function importSpecifiers(text: string): string[] {
  const code = text.replace(/^[ \t]*(?:\/\/|\/\*|\*).*$/gm, "");
  const out: string[] = [];
  const patterns = [
    /(?<![\w$."'`])(?:import|export)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?(["'])([^"'\n]+)\1/g,
    /(?<![\w$."'`])import\s*\(\s*(["'])([^"'\n]+)\1\s*\)/g,
    /(?<![\w$."'`])require\s*\(\s*(["'])([^"'\n]+)\1\s*\)/g,
    /(?<![\w$."'`])createRequire\s*\([^()]*\)\s*\(\s*(["'])([^"'\n]+)\1\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[2] as string);
  return out;
}

/** The package a bare specifier names: "ajv/dist/2020.js" → "ajv", "@scope/pkg/x" → "@scope/pkg". */
function packageName(spec: string): string {
  const parts = spec.split("/");
  return (spec.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

/** name@version of the package Node would load for `name` from `fromDir` (node_modules upward), or undefined. */
function packageVersion(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "node_modules", name, "package.json"), "utf8")) as { version?: unknown };
      return `${name}@${String(pkg.version)}`;
    } catch {
      // not here: one level up
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Every module `entries` import, transitively, and the packages loaded on the way. */
export function moduleClosure(entries: readonly (string | URL)[]): ModuleClosure {
  return readClosure(entries).closure;
}

function readClosure(entries: readonly (string | URL)[]): { closure: ModuleClosure; bytes: Map<string, Buffer> } {
  const seen = new Map<string, Buffer>();
  const packages = new Set<string>();
  const missing = new Set<string>();
  const queue = entries.map((e) => (typeof e === "string" && !e.startsWith("file:") ? e : fileURLToPath(e)));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      missing.add(file);
      continue;
    }
    seen.set(file, bytes);
    for (const spec of importSpecifiers(bytes.toString("utf8"))) {
      if (spec.startsWith(".") || spec.startsWith("/") || spec.startsWith("file:")) {
        queue.push(fileURLToPath(new URL(spec, pathToFileURL(file))));
      } else if (!isBuiltin(spec)) {
        packages.add(packageVersion(packageName(spec), dirname(file)) ?? `${packageName(spec)}@missing`);
      }
    }
  }
  return { closure: { modules: [...seen.keys()].sort(), packages: [...packages].sort(), missing: [...missing].sort() }, bytes: seen };
}

/** The deepest directory holding every file (so that a key does not depend on where the package is installed). */
function commonDir(files: readonly string[]): string {
  let common = dirname(files[0] ?? "");
  for (const f of files) while (common !== dirname(common) && !f.startsWith(common + sep)) common = dirname(common);
  return common;
}

/**
 * A hash of the entry modules' closure: each module's path (relative to their common directory, so that the key
 * does not depend on where the package is installed) and bytes, and each package's name and version.
 */
export function computeCodeKey(entries: readonly (string | URL)[]): string {
  const { closure: c, bytes } = readClosure(entries);
  const root = commonDir(c.modules);
  const h = createHash("sha256");
  for (const m of c.modules) h.update(`${relative(root, m).split(sep).join("/")}\u0000`).update(bytes.get(m) as Buffer).update("\u0000");
  for (const p of c.packages) h.update(`package:${p}\u0000`);
  for (const m of c.missing) h.update(`missing:${relative(root, m).split(sep).join("/")}\u0000`);
  return h.digest("hex");
}

const keys = new Map<string, string>();

/** computeCodeKey, once per entry list in a thread: the compiled code does not change while it runs. */
export function codeKey(entries: readonly (string | URL)[]): string {
  const id = entries.map(String).join("\n");
  let key = keys.get(id);
  if (key === undefined) keys.set(id, (key = computeCodeKey(entries)));
  return key;
}
