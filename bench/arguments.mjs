#!/usr/bin/env node
// bench/arguments.mjs: how many socket/mmap/ioctl/fcntl/prctl call sites of a corpus have their deciding argument
// (src/db/args.ts) resolved where the call is made, in files with and without symbols. A call site is a syscall
// instruction, a syscall() call or a call of a function that passes the argument on (socket@plt, __mmap,
// syscall.Socket...) in a file's own reachable code; the sites inside those pass-on functions stand for their
// callers and are not counted (src/analyze/arg-modes.ts). Library code a program loads is counted where the library
// itself is in the corpus. Used by bench/run.mjs (the "arguments" section); alone:
//   node bench/arguments.mjs [FILES...]      (default: every ELF file under /usr/bin, /usr/sbin, .cache/bench and
//                                             .cache/bench-servers, the servers bench/corpus.sh builds unstripped)

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const load = (p) => import(pathToFileURL(path.join(root, "dist/src", p)).href);

const SYSCALLS = ["socket", "mmap", "ioctl", "fcntl", "prctl"];

/** Counts per group (stripped / not stripped) and per syscall: { sites, resolved }. */
export async function measureArguments(files) {
  const { readElf } = await load("elf/index.js");
  const { analyzeCode } = await load("analyze/code.js");
  const { argumentModes } = await load("analyze/arg-modes.js");
  const { loadDatabase } = await load("db/load.js");
  const { UNKNOWN } = await load("db/args.js");
  const db = loadDatabase();
  const groups = { symbols: { files: 0, sites: 0, resolved: 0, followed: 0, by: {} }, stripped: { files: 0, sites: 0, resolved: 0, followed: 0, by: {} } };
  let skipped = 0;
  const started = process.hrtime.bigint();
  for (const file of files) {
    let elf;
    let bytes;
    try {
      bytes = readFileSync(file);
      elf = readElf(bytes);
    } catch {
      skipped++;
      continue;
    }
    const arch = elf.machine;
    if (arch !== "x86_64" && arch !== "aarch64") {
      skipped++;
      continue;
    }
    const table = db.tables[arch];
    let code;
    try {
      code = analyzeCode(elf, bytes, arch);
    } catch {
      skipped++;
      continue;
    }
    const modes = argumentModes(code.sites, table);
    const g = elf.classification.stripped ? groups.stripped : groups.symbols;
    g.files++;
    // What the "not stripped" share is measured over, named in the output when it is a handful of files.
    if (g === groups.symbols && (g.names ??= []).length < 9) g.names.push(path.basename(file));
    code.sites.forEach((s, i) => {
      const name = table.byNr.get(s.nr);
      if (!SYSCALLS.includes(name)) return;
      const m = modes.modesOf(i);
      if (m === null || m === undefined) return;
      const by = (g.by[name] ??= { sites: 0, resolved: 0, followed: 0 });
      g.sites++;
      by.sites++;
      // Resolved: every value that reaches the site is a constant (where its function passes a parameter on, at
      // every call of that function: src/analyze/arg-values.ts).
      if (!m.includes(UNKNOWN)) {
        g.resolved++;
        by.resolved++;
        if (s.arg === undefined) {
          g.followed++;
          by.followed++;
        }
      }
    });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { syscalls: SYSCALLS, groups, skipped, seconds };
}

const pct = (r, n) => (n === 0 ? "-" : `${((100 * r) / n).toFixed(1)}%`);

export function printArguments(res) {
  console.log(`\narguments: share of ${res.syscalls.join("/")} call sites whose deciding argument is a constant at the call`);
  console.log(`${"files".padEnd(14)} ${"files".padStart(6)} ${"sites".padStart(7)} ${"resolved".padStart(9)} ${"share".padStart(7)}  ${res.syscalls.map((s) => s.padStart(14)).join(" ")}`);
  for (const [name, g] of Object.entries(res.groups)) {
    const per = res.syscalls.map((s) => {
      const b = g.by[s];
      return (b === undefined ? "-" : `${pct(b.resolved, b.sites)} of ${b.sites}`).padStart(14);
    });
    console.log(`${(name === "symbols" ? "not stripped" : "stripped").padEnd(14)} ${String(g.files).padStart(6)} ${String(g.sites).padStart(7)} ${String(g.resolved).padStart(9)} ${pct(g.resolved, g.sites).padStart(7)}  ${per.join(" ")}`);
  }
  const names = res.groups.symbols.names ?? [];
  if (names.length > 0 && names.length === res.groups.symbols.files && names.length <= 8) console.log(`not stripped: ${names.join(", ")}`);
  for (const [name, g] of Object.entries(res.groups)) {
    if (g.followed > 0) console.log(`${name === "symbols" ? "not stripped" : "stripped"}: ${g.followed} of the resolved sites by the whole function's paths or its callers' values`);
  }
  console.log(`(${res.skipped} files not analysed: not x86_64/aarch64 or unreadable; ${res.seconds.toFixed(1)} s)`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let files = process.argv.slice(2);
  if (files.length === 0) {
    const { readdirSync, statSync, existsSync, openSync, readSync, closeSync } = await import("node:fs");
    const isElf = (f) => {
      try {
        const fd = openSync(f, "r");
        const b = Buffer.alloc(4);
        readSync(fd, b, 0, 4, 0);
        closeSync(fd);
        return b.toString("latin1") === "\x7fELF";
      } catch {
        return false;
      }
    };
    const walk = (dir, out) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p, out);
        else if (e.isFile() && statSync(p).size > 0 && isElf(p)) out.push(p);
      }
      return out;
    };
    // The Debian packages and the servers bench/corpus.sh builds from source, unstripped (.cache/bench-servers).
    const under = (dir) => (existsSync(dir) ? readdirSync(dir).filter((d) => !d.endsWith(".tmp")).sort().map((d) => path.join(dir, d)) : []);
    const dirs = ["/usr/bin", "/usr/sbin", ...under(path.join(root, ".cache/bench")), ...under(path.join(root, ".cache/bench-servers"))];
    files = dirs.flatMap((d) => walk(d, []).sort());
  }
  printArguments(await measureArguments(files));
}
