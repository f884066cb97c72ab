#!/usr/bin/env node
// @fileoverview `npm run fuzz -- --minutes N [--seed S]`: mutates real inputs (ELF programs built here with gcc, musl-gcc,
// go and the aarch64 cross gcc; Debian binaries from .cache/debian; C/C++ sources; odd files) and runs `unifit scan` on
// each mutant in a child process with a wall budget and its peak RSS measured by /usr/bin/time. Counts crashes (an exit
// code other than 0/1/2, a signal, a stack trace or an internal error on stderr), hangs past the budget and inputs that
// took more than 1 GB; saves each failing mutant with its command and stderr under .cache/fuzz/found/ (or --out), and
// prints counts per outcome. Exit 1 when anything failed. Seeded: the same seed makes the same mutants.

import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist", "src", "cli", "main.js");

function parseArgs(argv) {
  const o = { minutes: 1, seed: Date.now() % 1000000, iterations: Infinity, budget: 60, memoryMb: 1024, out: join(ROOT, ".cache", "fuzz"), jobs: 1, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === "--minutes") o.minutes = Number(v());
    else if (a === "--seed") o.seed = Number(v());
    else if (a === "--iterations") o.iterations = Number(v());
    else if (a === "--budget") o.budget = Number(v());
    else if (a === "--memory") o.memoryMb = Number(v());
    else if (a === "--out") o.out = v();
    else if (a === "-j" || a === "--jobs") o.jobs = Math.max(1, Number(v()));
    else if (a === "-q" || a === "--quiet") o.quiet = true;
    else if (a === "-h" || a === "--help") {
      process.stdout.write(
        "usage: npm run fuzz -- [--minutes N] [--iterations K] [--seed S] [--budget SECONDS] [--memory MB] [--out DIR] [-j N]\n" +
          "  --budget: wall time per mutant before it counts as a hang (default 60)\n" +
          "  --memory: peak RSS per mutant before it counts as too much memory (default 1024)\n",
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const k of ["minutes", "seed", "iterations", "budget", "memoryMb"]) {
    if (!Number.isFinite(o[k]) && !(k === "iterations" && o[k] === Infinity)) throw new Error(`--${k}: not a number`);
  }
  return o;
}

/** mulberry32: a small seeded generator, so that a seed names its mutants. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (l) => l[Math.floor(next() * l.length)] };
}

const have = (cmd) => {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

const PROGRAM = `#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/syscall.h>
int main(int argc, char **argv) {
  if (argc > 3) { pid_t p = fork(); if (p == 0) { execlp("true", "true", (char *)0); _exit(1); } waitpid(p, 0, 0); }
  if (argc > 4) system("mkdir -p /tmp/x");
  printf("%ld\\n", (long)syscall(SYS_getpid));
  return 0;
}
`;
const GO_PROGRAM = `package main
import ("fmt"; "net"; "os/exec")
func main() { i, _ := net.Interfaces(); fmt.Println(len(i)); _ = exec.Command("true").Run() }
`;

/** Real inputs to start from: programs built here once (cached in the seeds directory), Debian binaries, sources. */
function seeds(dir) {
  mkdirSync(dir, { recursive: true });
  const out = [];
  const src = join(dir, "program.c");
  writeFileSync(src, PROGRAM);
  const build = (name, cmd, args, env) => {
    const file = join(dir, name);
    if (!existsSync(file)) {
      try {
        execFileSync(cmd, args, { stdio: "ignore", env: { ...process.env, ...env } });
      } catch {
        return;
      }
    }
    if (existsSync(file)) out.push({ path: file, kind: "elf" });
  };
  if (have("gcc")) {
    build("gcc-dynamic", "gcc", ["-O1", "-o", join(dir, "gcc-dynamic"), src]);
    build("gcc-static", "gcc", ["-O1", "-static", "-o", join(dir, "gcc-static"), src]);
    build("gcc-stripped", "gcc", ["-O2", "-s", "-o", join(dir, "gcc-stripped"), src]);
  }
  if (have("musl-gcc")) build("musl-static", "musl-gcc", ["-O1", "-static", "-o", join(dir, "musl-static"), src]);
  if (have("aarch64-linux-gnu-gcc")) build("aarch64-static", "aarch64-linux-gnu-gcc", ["-O1", "-static", "-o", join(dir, "aarch64-static"), src]);
  if (have("go")) {
    const goSrc = join(dir, "program.go");
    writeFileSync(goSrc, GO_PROGRAM);
    build("go-static", "go", ["build", "-o", join(dir, "go-static"), goSrc], {
      CGO_ENABLED: "0", GO111MODULE: "off", GOCACHE: join(dir, "go-build"), GOPATH: join(dir, "go"),
    });
  }
  // Debian binaries the test setup unpacked (dynamic and static glibc, Go, Rust), when present.
  const debian = join(ROOT, ".cache", "debian");
  for (const p of ["busybox-static/bin/busybox", "shfmt/usr/bin/shfmt", "ripgrep/usr/bin/rg", "fd-find/usr/bin/fdfind", "nginx/usr/sbin/nginx", "memcached/usr/bin/memcached", "sqlite3/usr/bin/sqlite3"]) {
    const f = join(debian, p);
    if (existsSync(f)) out.push({ path: f, kind: "elf" });
  }
  for (const p of ["/usr/bin/ls", "/usr/bin/env"]) if (existsSync(p)) out.push({ path: p, kind: "elf" });
  // C and C++ sources: the repository's fixtures and a few files of the real trees the tests unpack.
  const walk = (d, depth) => {
    let entries = [];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory() && depth > 0) walk(p, depth - 1);
      else if (e.isFile() && /\.(c|cc|cpp|h)$/.test(e.name) && statSync(p).size < 512 * 1024) out.push({ path: p, kind: "source" });
    }
  };
  walk(join(ROOT, "fixtures"), 4);
  for (const t of ["redis/src", "nginx/src/os/unix", "memcached"]) walk(join(ROOT, ".cache", "src", t), 0);
  return out;
}

/** Odd inputs made from nothing: empty, one huge line, random bytes, deep nesting, C++ template chains, NULs. */
function oddInput(r) {
  const n = 1 << (10 + r.int(11)); // 1 KiB .. 1 MiB
  const kinds = [
    () => ["empty.c", Buffer.alloc(0)],
    () => ["empty", Buffer.alloc(0)],
    () => ["random.c", Buffer.from(Array.from({ length: n }, () => r.int(256)))],
    () => ["random", Buffer.from(Array.from({ length: n }, () => r.int(256)))],
    () => ["parens.c", Buffer.from("(".repeat(n))],
    () => ["braces.c", Buffer.from("int f(){" + "{".repeat(n))],
    () => ["closers.c", Buffer.from(")}]".repeat(n / 3))],
    () => ["templates.cc", Buffer.from("a<".repeat(n / 2))],
    () => ["calls.c", Buffer.from("int x = " + "f(".repeat(n / 2))],
    () => ["unary.c", Buffer.from("int x = " + "-".repeat(n) + "1;")],
    () => ["line.c", Buffer.from("int a[] = {" + "1,".repeat(n / 2) + "};\n")],
    () => ["nul.c", Buffer.alloc(n)],
    () => ["printable.c", Buffer.from(Array.from({ length: n }, () => 32 + r.int(95)))],
    () => ["ifdef.c", Buffer.from("#if 1\n".repeat(n / 6))],
    () => ["syscalls", Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(n, Buffer.from([0x0f, 0x05]))])],
  ];
  return r.pick(kinds)();
}

/** Overwrites a run of an ELF's bytes with syscall instructions (the dense case the resolver must stay linear on). */
function denseSyscalls(r, b) {
  if (b.length < 4096) return b;
  const len = Math.min(b.length - 64, 1 << (8 + r.int(11)));
  const at = 64 + r.int(Math.max(1, b.length - 64 - len));
  const pat = r.pick([[0x0f, 0x05], [0x0f, 0x05, 0xeb, 0x00], [0x01, 0x00, 0x00, 0xd4]]);
  for (let i = 0; i + pat.length <= len; i += pat.length) for (let k = 0; k < pat.length; k++) b[at + i + k] = pat[k];
  return b;
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/** One mutant of `bytes`: bit flips, overwritten bytes or words (header fields), inserted, deleted or repeated runs, truncation, a splice. */
function mutate(r, bytes, other) {
  let b = Buffer.from(bytes);
  const rounds = 1 + r.int(4);
  for (let k = 0; k < rounds; k++) {
    const at = () => r.int(Math.max(1, b.length));
    switch (r.int(10)) {
      case 0: // bit flips
        for (let i = 0, n = 1 + r.int(16); i < n && b.length > 0; i++) b[at()] ^= 1 << r.int(8);
        break;
      case 1: // random bytes overwritten
        for (let i = 0, n = 1 + r.int(64); i < n && b.length > 0; i++) b[at()] = r.int(256);
        break;
      case 2: { // an interesting 32-bit value over a header-ish offset
        const o = r.next() < 0.7 ? r.int(Math.min(b.length, 4096)) : at();
        if (o + 4 <= b.length) b.writeUInt32LE(r.pick(INTERESTING) >>> 0, o);
        break;
      }
      case 3: // truncated
        b = b.subarray(0, at());
        break;
      case 4: { // a run deleted
        const s = at();
        b = Buffer.concat([b.subarray(0, s), b.subarray(Math.min(b.length, s + 1 + r.int(4096)))]);
        break;
      }
      case 5: { // random bytes inserted
        const s = at();
        b = Buffer.concat([b.subarray(0, s), Buffer.from(Array.from({ length: 1 + r.int(1024) }, () => r.int(256))), b.subarray(s)]);
        break;
      }
      case 6: { // a run repeated
        const s = at();
        const run = b.subarray(s, Math.min(b.length, s + 1 + r.int(256)));
        b = Buffer.concat([b.subarray(0, s), ...Array.from({ length: 1 + r.int(64) }, () => run), b.subarray(s)]);
        break;
      }
      case 7: { // spliced with another seed
        const s = at();
        const o = r.int(Math.max(1, other.length));
        b = Buffer.concat([b.subarray(0, s), other.subarray(o, o + r.int(65536))]);
        break;
      }
      case 8:
        b = denseSyscalls(r, b);
        break;
      default: { // one character repeated into a long line (text) or a long run (binary)
        const s = at();
        b = Buffer.concat([b.subarray(0, s), Buffer.alloc(1 + r.int(1 << 18), r.pick([0x28, 0x7b, 0x5b, 0x3c, 0x22, 0x2f, 0x0a, 0x00])), b.subarray(s)]);
      }
    }
  }
  return b;
}

/** Runs the CLI on one file with the wall budget; its exit, signal, stderr, wall time and peak RSS (KB). */
function run(file, budgetSec, scratch) {
  return new Promise((resolve) => {
    const timeFile = join(scratch, `time.${basename(file)}.txt`);
    const args = ["-f", "%M %e", "-o", timeFile, process.execPath, CLI, "scan", file, "-f", "json", "-q", "--no-cache"];
    const started = Date.now();
    const child = spawn("/usr/bin/time", args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" }, detached: true });
    let stderr = "";
    child.stderr.on("data", (d) => {
      if (stderr.length < 65536) stderr += d.toString();
    });
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // it ended meanwhile
      }
    }, budgetSec * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      let rssKb = 0;
      let status = code;
      try {
        const t = readFileSync(timeFile, "utf8");
        // /usr/bin/time writes "Command exited with non-zero status N" (or "Command terminated by signal N") before the figures.
        const m = /(\d+) [\d.]+\s*$/.exec(t);
        if (m !== null) rssKb = Number(m[1]);
        const s = /non-zero status (\d+)/.exec(t);
        if (s !== null) status = Number(s[1]);
        else if (/terminated by signal (\d+)/.test(t)) status = 128 + Number(/terminated by signal (\d+)/.exec(t)[1]);
        else if (m !== null) status = 0;
        rmSync(timeFile, { force: true });
      } catch {
        // killed before /usr/bin/time wrote its figures: the hang is what counts
      }
      resolve({ status, signal, hung, stderr, seconds: (Date.now() - started) / 1000, rssKb });
    });
  });
}

/** What a run's outcome is: ok, or the kind of failure. */
function classify(res, memoryMb) {
  if (res.hung) return "hang";
  if (res.rssKb > memoryMb * 1024) return "memory";
  if (res.signal !== null || ![0, 1, 2].includes(res.status)) return "crash";
  if (/^\s+at .+:\d+:\d+\)?$/m.test(res.stderr) || /internal error/i.test(res.stderr)) return "crash";
  return "ok";
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  if (!existsSync("/usr/bin/time")) throw new Error("/usr/bin/time is missing (apt-get install time)");
  const seedDir = join(o.out, "seeds");
  const scratch = join(o.out, "scratch", String(process.pid));
  const found = join(o.out, "found");
  mkdirSync(scratch, { recursive: true });
  const corpus = seeds(seedDir);
  const elves = corpus.filter((s) => s.kind === "elf");
  const sources = corpus.filter((s) => s.kind === "source");
  const r = rng(o.seed);
  const counts = { ok: 0, crash: 0, hang: 0, memory: 0 };
  const byKind = new Map();
  const failures = [];
  let peak = { rssKb: 0, name: "" };
  let slowest = { seconds: 0, name: "" };
  const deadline = Date.now() + o.minutes * 60000;
  let made = 0;
  const readCache = new Map();
  const read = (p) => {
    let b = readCache.get(p);
    if (b === undefined) readCache.set(p, (b = readFileSync(p)));
    return b;
  };
  process.stderr.write(`fuzz: seed ${o.seed}, ${elves.length} ELF and ${sources.length} source seeds, budget ${o.budget} s and ${o.memoryMb} MB per input\n`);
  const one = async () => {
    const i = made++;
    // A mix: ELF mutants, source mutants and odd inputs.
    const roll = r.next();
    let name;
    let bytes;
    let kind;
    if (roll < 0.15 || corpus.length === 0) {
      [name, bytes] = oddInput(r);
      kind = `odd:${name}`;
    } else {
      const pool = roll < 0.6 && elves.length > 0 ? elves : sources.length > 0 ? sources : elves;
      const s = r.pick(pool);
      const other = read(r.pick(corpus).path);
      bytes = mutate(r, read(s.path), other);
      const ext = extname(s.path);
      name = `${basename(s.path, ext)}${s.kind === "source" ? ext : ""}`;
      kind = s.kind === "elf" ? `elf:${basename(s.path)}` : `source${ext}`;
    }
    const file = join(scratch, `${i}-${name}`);
    writeFileSync(file, bytes);
    const res = await run(file, o.budget, scratch);
    const outcome = classify(res, o.memoryMb);
    counts[outcome]++;
    const k = byKind.get(kind) ?? { runs: 0, failed: 0 };
    k.runs++;
    if (outcome !== "ok") k.failed++;
    byKind.set(kind, k);
    if (res.rssKb > peak.rssKb) peak = { rssKb: res.rssKb, name: `${i}-${name}` };
    if (res.seconds > slowest.seconds) slowest = { seconds: res.seconds, name: `${i}-${name}` };
    if (outcome !== "ok") {
      const dir = join(found, outcome);
      mkdirSync(dir, { recursive: true });
      const kept = join(dir, `seed${o.seed}-${i}-${name}`);
      copyFileSync(file, kept);
      writeFileSync(`${kept}.txt`, `unifit scan ${kept} -f json -q --no-cache\nexit ${res.status} signal ${res.signal} ${res.seconds.toFixed(1)} s ${Math.round(res.rssKb / 1024)} MB\n${res.stderr}`);
      failures.push(`${outcome}: ${kept} (${res.seconds.toFixed(1)} s, ${Math.round(res.rssKb / 1024)} MB, exit ${res.status ?? res.signal})`);
      process.stderr.write(`fuzz: ${failures[failures.length - 1]}\n`);
    }
    rmSync(file, { force: true });
    if (!o.quiet && made % 25 === 0) process.stderr.write(`fuzz: ${made} inputs, ${JSON.stringify(counts)}\n`);
  };
  const lane = async () => {
    while (made < o.iterations && Date.now() < deadline) await one();
  };
  await Promise.all(Array.from({ length: o.jobs }, lane));
  rmSync(scratch, { recursive: true, force: true });
  const lines = [
    `fuzz summary (seed ${o.seed}, ${made} inputs in ${o.minutes} min budget, -j ${o.jobs})`,
    `  ok ${counts.ok}  crashes ${counts.crash}  hangs past ${o.budget} s ${counts.hang}  over ${o.memoryMb} MB ${counts.memory}`,
    `  peak RSS ${Math.round(peak.rssKb / 1024)} MB (${peak.name}); slowest ${slowest.seconds.toFixed(1)} s (${slowest.name})`,
    "  by input:",
    ...[...byKind].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) => `    ${k}: ${v.runs} runs, ${v.failed} failed`),
    ...(failures.length > 0 ? ["  reproducers:", ...failures.map((f) => `    ${f}`)] : []),
  ];
  process.stdout.write(lines.join("\n") + "\n");
  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`fuzz: ${e.message}\n`);
  process.exitCode = 2;
});
