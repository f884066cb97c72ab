// @fileoverview The keys of derived data cover the code that makes it. The import closure read from the compiled
// .js files is compared with the value imports read independently from the TypeScript sources (the compiler's own
// parser), for each cache's entry module; a copy of dist/ with one module's bytes changed has another key, for every
// module in the closure, while a module outside it leaves the key alone; and, as a user sees it, a fix in
// elf/versions or elf/relocations makes the next scan analyse the library again instead of reusing its cached facts.

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { isBuiltin } from "node:module";
import { after, before, describe, it } from "node:test";
import ts from "typescript";
import { computeCodeKey, importSpecifiers, moduleClosure } from "../../src/cache/code-key.js";
import { ROOT } from "../helpers/paths.js";

const SRC = join(ROOT, "src");
const DIST = join(ROOT, "dist", "src");

/** The entry module of each cache key: library facts, image file reports, the parsed database, the checked rules. */
const ENTRIES = ["analyze/libraries", "scan/image", "db/load", "rules/load"];

/** What a TypeScript source imports at run time: value imports and re-exports, require and createRequire calls. */
function valueImports(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && n.importClause?.isTypeOnly !== true && ts.isStringLiteral(n.moduleSpecifier)) out.push(n.moduleSpecifier.text);
    if (ts.isExportDeclaration(n) && !n.isTypeOnly && n.moduleSpecifier !== undefined && ts.isStringLiteral(n.moduleSpecifier)) out.push(n.moduleSpecifier.text);
    if (ts.isCallExpression(n) && n.arguments.length === 1 && ts.isStringLiteral(n.arguments[0] as ts.Expression)) {
      const callee = n.expression;
      const isRequire =
        (ts.isIdentifier(callee) && callee.text === "require") ||
        callee.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isCallExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === "createRequire");
      if (isRequire) out.push((n.arguments[0] as ts.StringLiteral).text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The sources an entry reaches through value imports (paths relative to src/, .ts) and the packages it loads. */
function sourceClosure(entry: string): { modules: Set<string>; packages: Set<string> } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const queue = [join(SRC, `${entry}.ts`)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    const rel = relative(SRC, file);
    if (modules.has(rel)) continue;
    modules.add(rel);
    for (const spec of valueImports(file)) {
      if (spec.startsWith(".")) queue.push(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      else if (!isBuiltin(spec)) packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : (spec.split("/")[0] as string));
    }
  }
  return { modules, packages };
}

/** Every TypeScript source under `dir`. */
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith(".ts") && !d.name.endsWith(".d.ts") ? [join(dir, d.name)] : []));

describe("the code key's modules", () => {
  it("every compiled module: the specifiers read from it are its source's value imports, no more, no fewer", () => {
    const files = sources(SRC);
    assert.ok(files.length > 50);
    for (const file of files) {
      const js = join(DIST, relative(SRC, file)).replace(/\.ts$/, ".js");
      assert.deepEqual(new Set(importSpecifiers(readFileSync(js, "utf8"))), new Set(valueImports(file)), relative(SRC, file));
    }
  });

  for (const entry of ENTRIES) {
    it(`${entry}: every module its source imports, and no other, is read from the compiled code`, () => {
      const expected = sourceClosure(entry);
      const got = moduleClosure([join(DIST, `${entry}.js`)]);
      assert.deepEqual(got.missing, []);
      assert.deepEqual(new Set(got.modules.map((m) => relative(DIST, m).replace(/\.js$/, ".ts"))), expected.modules);
      assert.deepEqual(new Set(got.packages.map((p) => p.slice(0, p.lastIndexOf("@")))), expected.packages);
      assert.ok(got.packages.every((p) => !p.endsWith("@missing")), got.packages.join(", "));
    });
  }

  it("the library facts' key reaches the modules a hand-written list once left out", () => {
    const got = new Set(moduleClosure([join(DIST, "analyze/libraries.js")]).modules.map((m) => relative(DIST, m)));
    for (const m of ["elf/relocations.js", "elf/dynamic.js", "elf/versions.js", "elf/gopclntab.js", "elf/elfy-adapter.js", "disasm/x86.js", "analyze/code.js"]) {
      assert.ok(got.has(m), m);
    }
    const packages = moduleClosure([join(DIST, "analyze/libraries.js")]).packages.map((p) => p.slice(0, p.lastIndexOf("@")));
    assert.ok(packages.includes("iced-x86") && packages.includes("elfy"), packages.join(", "));
  });
});

describe("the code key follows the bytes", () => {
  const dir = mkdtempSync(join(tmpdir(), "unifit-codekey-"));
  const copy = join(dir, "pkg", "dist", "src");
  before(() => {
    cpSync(DIST, copy, { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(dir, "pkg", "node_modules"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const entry of ENTRIES) {
    it(`${entry}: one changed byte in any module it imports changes the key; other modules do not`, () => {
      const main = join(copy, `${entry}.js`);
      const base = computeCodeKey([main]);
      assert.equal(base, computeCodeKey([join(DIST, `${entry}.js`)]), "the same code elsewhere has the same key");
      const inside = moduleClosure([main]).modules;
      for (const m of inside) {
        const bytes = readFileSync(m);
        const changed = Buffer.from(bytes);
        const at = changed.length >> 1;
        changed[at] = (changed[at] as number) ^ 1;
        writeFileSync(m, changed);
        try {
          assert.notEqual(computeCodeKey([main]), base, relative(copy, m));
        } finally {
          writeFileSync(m, bytes);
        }
      }
      const outside = ["cli/program.js", "report/html.js", "try/run.js"].map((m) => join(copy, m)).filter((m) => !inside.includes(m));
      assert.ok(outside.length > 0);
      for (const m of outside) {
        const bytes = readFileSync(m);
        appendFileSync(m, "\n// changed\n");
        try {
          assert.equal(computeCodeKey([main]), base, relative(copy, m));
        } finally {
          writeFileSync(m, bytes);
        }
      }
      assert.equal(computeCodeKey([main]), base);
    });
  }

  it("another version of a package the analysis loads changes the key", () => {
    // A node_modules of links to the real packages, but elfy's package.json says another version.
    const other = join(dir, "other");
    cpSync(copy, join(other, "dist", "src"), { recursive: true });
    const modules = join(other, "node_modules");
    mkdirSync(modules);
    for (const name of readdirSync(join(ROOT, "node_modules"))) {
      if (name !== "elfy") symlinkSync(join(ROOT, "node_modules", name), join(modules, name));
    }
    cpSync(join(ROOT, "node_modules", "elfy"), join(modules, "elfy"), { recursive: true, dereference: true });
    const pkg = JSON.parse(readFileSync(join(modules, "elfy", "package.json"), "utf8")) as { version: string };
    const main = join(other, "dist", "src", "analyze", "libraries.js");
    assert.equal(computeCodeKey([main]), computeCodeKey([join(copy, "analyze", "libraries.js")]));
    writeFileSync(join(modules, "elfy", "package.json"), JSON.stringify({ ...pkg, version: `${pkg.version}-patched` }));
    assert.notEqual(computeCodeKey([main]), computeCodeKey([join(copy, "analyze", "libraries.js")]));
  });
});

describe("a fix in elf/relocations as the library cache sees it", () => {
  const dir = mkdtempSync(join(tmpdir(), "unifit-codekey-cli-"));
  const pkg = join(dir, "pkg");
  const cache = join(dir, "cache");
  const sysroot = join(dir, "root");
  after(() => rmSync(dir, { recursive: true, force: true }));

  before(() => {
    // The package as installed (its compiled code copied, so that one module can be changed), and a program whose
    // library is the only one found under the sysroot (libc is missing there, so only libhelper is analysed).
    cpSync(DIST, join(pkg, "dist", "src"), { recursive: true });
    copyFileSync(join(ROOT, "package.json"), join(pkg, "package.json"));
    for (const d of ["node_modules", "syscall-db", "rules"]) symlinkSync(join(ROOT, d), join(pkg, d));
    const app = join(sysroot, "app");
    mkdirSync(join(app, "lib"), { recursive: true });
    writeFileSync(join(dir, "helper.c"), "#include <unistd.h>\n#include <sys/syscall.h>\nlong helper(void) { return syscall(SYS_getppid); }\n");
    execFileSync("gcc", ["-O1", "-shared", "-fPIC", "-o", join(app, "lib", "libhelper.so"), join(dir, "helper.c")]);
    writeFileSync(join(dir, "prog.c"), "long helper(void);\nint main(void) { return (int)helper(); }\n");
    execFileSync("gcc", ["-O1", "-o", join(app, "prog"), join(dir, "prog.c"), `-L${join(app, "lib")}`, "-lhelper", "-Wl,-rpath,$ORIGIN/lib"]);
  });

  const scan = (): string => {
    const r = spawnSync(process.execPath, [join(pkg, "dist", "src", "cli", "main.js"), "scan", join(sysroot, "app", "prog"), "--sysroot", sysroot, "-f", "json", "-t", "linux", "--fail-on", "none"], {
      encoding: "utf8",
      env: { ...process.env, UNIFIT_CACHE_DIR: cache, NO_COLOR: "1" },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes('"getppid"'), "libhelper's helper() was followed");
    return r.stdout;
  };
  const entries = (): string[] => readdirSync(cache).filter((n) => n.startsWith("lib-") && n.endsWith(".json")).sort();

  it("the next scan stores the library's facts under a new key; a change elsewhere reuses them", () => {
    const first = scan();
    const stored = entries();
    assert.equal(stored.length, 1, stored.join(", "));
    assert.equal(scan(), first);
    assert.deepEqual(entries(), stored, "a second scan of the same code reuses the entry");

    appendFileSync(join(pkg, "dist", "src", "report", "html.js"), "\n// a change the analysis does not import\n");
    assert.equal(scan(), first);
    assert.deepEqual(entries(), stored, "a change outside the analysis keeps the entry");

    // elf/versions.js was missing from the hand-written list this key replaced; elf/relocations.js is named by the issue.
    let known = stored;
    for (const m of ["versions.js", "relocations.js"]) {
      appendFileSync(join(pkg, "dist", "src", "elf", m), `\n// a fix in ${m}\n`);
      assert.equal(scan(), first);
      const now = entries();
      assert.equal(now.length, known.length + 1, now.join(", "));
      const fresh = now.find((n) => !known.includes(n)) as string;
      assert.ok(known.every((k) => k.split("-")[1] !== fresh.split("-")[1]), `the analysis part of the key changed with ${m}`);
      known = now;
    }
  });
});
