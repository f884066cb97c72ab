#!/usr/bin/env node
// @fileoverview `npm run fuzz -- --minutes N [--seed S]`: mutates real inputs and runs `unifit scan` on each mutant in a
// child process with a wall budget and its peak RSS measured by /usr/bin/time. The inputs, in a fixed rotation:
// - ELF programs built here once (gcc dynamic, static and stripped, musl-gcc, go, rustc dynamic and static-glibc, the
//   aarch64 cross gcc; cached under the seeds directory) and Debian binaries from .cache/debian (Go, Rust, glibc);
// - C/C++ sources (fixtures/ and the source trees the tests unpack), and odd files made from nothing;
// - container images: `docker save` archives, OCI layouts as tar or directory, with gzip or zstd layers, odd layer
//   entries (link loops, links to /dev/zero or out of the root, FIFO and device entries, whiteouts, long names), odd
//   configurations, then mutated JSON (manifest, index, config), mutated layer blobs or mutated archive bytes;
// - directories with odd entries beside a good program (a FIFO, a character device, links to /dev/zero and
//   /dev/urandom, an unreadable file and directory, names with a newline, non-UTF-8 bytes or 255 bytes, a path
//   deeper than PATH_MAX, link loops), scanned without root's override of file permissions (setpriv) so that "unreadable" is honest;
// - root file systems and --sysroot trees whose loader configuration or libc is odd (a FIFO, /dev/zero, a loop,
//   a directory, a link out of the tree, damaged bytes).
// Counts crashes (an exit code other than 0/1/2, a signal, a stack trace or an internal error on stderr), hangs past
// the budget, inputs that took more than 1 GB, and "lost" inputs (the good program beside odd entries missing from
// the report, or an odd entry that must be an error line and is not); saves each failing case with its command and
// stderr under .cache/fuzz/found/ (or --out), prints counts per outcome and per input kind, and a reproducer for each
// failure (`--seed S --replay I` makes case I again and runs it alone). Exit 1 when anything failed. Seeded: the same
// seed makes the same cases, for any -j (cases are generated one after the other).

import { execFileSync, spawn } from "node:child_process";
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { basename, dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
// The project's own tar writer (a dependency of unifit): it writes entry names and types as given, odd ones included.
import * as tar from "tar-stream";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist", "src", "cli", "main.js");

function parseArgs(argv) {
  const o = { minutes: 1, seed: Date.now() % 1000000, iterations: Infinity, budget: 60, memoryMb: 1024, out: join(ROOT, ".cache", "fuzz"), jobs: 1, quiet: false, replay: undefined, dryRun: false };
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
    else if (a === "--replay") o.replay = Number(v());
    else if (a === "-j" || a === "--jobs") o.jobs = Math.max(1, Number(v()));
    else if (a === "-q" || a === "--quiet") o.quiet = true;
    else if (a === "--dry-run") o.dryRun = true;
    else if (a === "-h" || a === "--help") {
      process.stdout.write(
        "usage: npm run fuzz -- [--minutes N] [--iterations K] [--seed S] [--budget SECONDS] [--memory MB] [--out DIR] [-j N] [--replay I]\n" +
          "  --replay I: make case I of the seed again (the cases before it are made and dropped) and run it alone\n" +
          "  --dry-run: make the cases and print each one's kind and command, without running them\n" +
          "  --budget: wall time per mutant before it counts as a hang (default 60)\n" +
          "  --memory: peak RSS per mutant before it counts as too much memory (default 1024)\n",
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const k of ["minutes", "seed", "iterations", "budget", "memoryMb", ...(o.replay !== undefined ? ["replay"] : [])]) {
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

const RUST_PROGRAM = `use std::process::Command;
fn main() {
    let h = std::thread::spawn(|| std::fs::read_dir("/tmp").map(|d| d.count()).unwrap_or(0));
    let n = h.join().unwrap_or(0);
    if std::env::args().count() > 3 { let _ = Command::new("true").status(); }
    if let Ok(s) = std::net::TcpListener::bind("127.0.0.1:0") { drop(s); }
    println!("{}", n);
}
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
  if (have("rustc")) {
    const rs = join(dir, "program.rs");
    writeFileSync(rs, RUST_PROGRAM);
    const rust = ["-C", "opt-level=1", "-C", "debuginfo=0", "-C", "strip=debuginfo"];
    build("rust-dynamic", "rustc", [...rust, "-o", join(dir, "rust-dynamic"), rs]);
    build("rust-static", "rustc", [...rust, "-C", "target-feature=+crt-static", "-o", join(dir, "rust-static"), rs]);
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
/** Tokens repeated into one line: each makes tree-sitter recover from errors in its own way (a wide ERROR node of
 * leaves, of "(" each holding a mark, of statements, ...); found by hand at 1.5 MiB, 0.45 to 1.4 GB before 15's fixes. */
const ODD_UNITS = [")}]", "(}", "f(}", "f(@)", "@f();", "f(a)}]", "f();", "f(x)f(x)", "{f();}", ";", "x ", "SYS_fork ", '"/proc/" ', "p->f = g;", "asm(\"syscall\");", "#if x\nf();\n#else\n"];

/** `n` bytes from `r`, without a JS array per byte (inputs go up to 16 MiB). */
function randomBuffer(r, n, low = 0, span = 256) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = low + r.int(span);
  return b;
}

function oddInput(r) {
  // 1 KiB .. 16 MiB: past the source parser's 8 MiB cut, and through the sizes where its memory watch stops a parse.
  const n = 1 << (10 + r.int(15));
  const kinds = [
    () => ["empty.c", Buffer.alloc(0)],
    () => ["empty", Buffer.alloc(0)],
    () => ["random.c", randomBuffer(r, n)],
    () => ["random", randomBuffer(r, n)],
    () => ["parens.c", Buffer.from("(".repeat(n))],
    () => ["braces.c", Buffer.from("int f(){" + "{".repeat(n))],
    () => ["closers.c", Buffer.from(")}]".repeat(n / 3))],
    () => ["templates.cc", Buffer.from("a<".repeat(n / 2))],
    () => ["calls.c", Buffer.from("int x = " + "f(".repeat(n / 2))],
    () => ["unary.c", Buffer.from("int x = " + "-".repeat(n) + "1;")],
    () => ["line.c", Buffer.from("int a[] = {" + "1,".repeat(n / 2) + "};\n")],
    () => ["nul.c", Buffer.alloc(n)],
    () => ["printable.c", randomBuffer(r, n, 32, 95)],
    () => ["ifdef.c", Buffer.from("#if 1\n".repeat(n / 6))],
    () => {
      const unit = r.pick(ODD_UNITS);
      // Sizes near 1.5 MiB are where these parse in full and the extraction's own memory shows.
      const size = r.next() < 0.5 ? n : (1 << 20) + r.int(1 << 20);
      return ["units.c", Buffer.from(unit.repeat(Math.max(1, Math.floor(size / unit.length))))];
    },
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

const sha = (b) => createHash("sha256").update(b).digest("hex");

/** Runs a program quietly; false when it failed (a missing tool, an operation refused in this container). */
function tryRun(cmd, args, options = {}) {
  try {
    execFileSync(cmd, args, { stdio: "ignore", ...options });
    return true;
  } catch {
    return false;
  }
}

/** Removes a case directory: GNU rm walks trees deeper than PATH_MAX and mode 000 directories. */
const removeTree = (p) => tryRun("rm", ["-rf", p]);

/** A tar of these entries with tar-stream, names, types and link targets written as they are. */
async function packTar(entries) {
  const pack = tar.pack();
  const chunks = [];
  pack.on("data", (c) => chunks.push(c));
  const done = new Promise((resolve, reject) => {
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  for (const e of entries) {
    const header = { name: e.name, type: e.type ?? "file", mode: e.mode ?? 0o755, mtime: new Date(0) };
    if (e.linkname !== undefined) header.linkname = e.linkname;
    if (e.devmajor !== undefined) Object.assign(header, { devmajor: e.devmajor, devminor: e.devminor ?? 0 });
    if (e.data !== undefined) {
      header.size = e.data.length;
      pack.entry(header, e.data);
    } else pack.entry(header);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Odd values put in place of one value of an image's JSON. */
function oddJsonValue(r) {
  return r.pick([
    () => null,
    () => -1,
    () => 1e308,
    () => 2 ** 53 + 1,
    () => "",
    () => "../../../../../../etc/passwd",
    () => `sha256:${"0".repeat(64)}`,
    () => "sha256:../../../../etc/passwd",
    () => "sha512:abc",
    () => [],
    () => ({}),
    () => true,
    () => "x".repeat(1 << 20),
    () => JSON.parse("[".repeat(1000) + "]".repeat(1000)), // deeper nesting is made in the text (mutateJson)
    () => Array.from({ length: 10000 }, () => "a"),
  ])();
}

/** One JSON mutation: a value replaced, a key dropped, the text truncated or made invalid. */
function mutateJson(r, text) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    return text;
  }
  const slots = [];
  const visit = (v, depth) => {
    if (depth > 8 || v === null || typeof v !== "object") return;
    for (const k of Object.keys(v)) {
      slots.push([v, k]);
      visit(v[k], depth + 1);
    }
  };
  visit(doc, 0);
  const how = r.int(10);
  if (how === 0) return text.slice(0, r.int(text.length + 1));
  if (how === 1) return text.replace(/[{[]/, (c) => c.repeat(1 + r.int(100000)));
  if (slots.length === 0) return text;
  const [obj, key] = r.pick(slots);
  if (how === 2) {
    if (Array.isArray(obj)) obj.splice(Number(key), 1);
    else delete obj[key];
  } else if (how === 3 && Array.isArray(obj)) {
    for (let n = r.int(2000); n > 0; n--) obj.push(obj[Number(key)]); // a layer or a manifest listed many times
  } else obj[key] = oddJsonValue(r);
  return JSON.stringify(doc);
}

/** Layer entries of a small image: programs, a libc and loader links, and odd entries chosen by the generator. */
function imageEntries(r, read, seedFiles) {
  const prog = read(seedFiles.static);
  const entries = [
    { name: "bin/", type: "directory" },
    { name: "bin/prog", data: prog },
    { name: "bin/sh", type: "symlink", linkname: "prog" },
    { name: "etc/", type: "directory" },
  ];
  if (seedFiles.dynamic !== undefined && seedFiles.libc !== undefined && r.next() < 0.3) {
    entries.push({ name: "usr/bin/dyn", data: read(seedFiles.dynamic) });
    entries.push({ name: "lib/x86_64-linux-gnu/libc.so.6", data: read(seedFiles.libc) });
    entries.push({ name: "lib64/ld-linux-x86-64.so.2", type: "symlink", linkname: "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" });
    entries.push({ name: "etc/ld.so.conf", data: Buffer.from("include /etc/ld.so.conf.d/*.conf\n/lib/x86_64-linux-gnu\n") });
  }
  const odd = [
    () => [{ name: "bin/loop-a", type: "symlink", linkname: "loop-b" }, { name: "bin/loop-b", type: "symlink", linkname: "loop-a" }],
    () => [{ name: "bin/self", type: "symlink", linkname: "self" }],
    () => [{ name: "bin/zero", type: "symlink", linkname: "/dev/zero" }],
    () => [{ name: "bin/urandom", type: "symlink", linkname: "../../../../dev/urandom" }],
    () => [{ name: "bin/passwd", type: "symlink", linkname: "../../../../../../etc/passwd" }],
    () => [{ name: "bin/hard", type: "link", linkname: "bin/missing" }],
    () => [{ name: "bin/hard-out", type: "link", linkname: "../../etc/passwd" }],
    () => [{ name: "bin/fifo", type: "fifo" }],
    () => [{ name: "dev/zero", type: "character-device", devmajor: 1, devminor: 5 }],
    () => [{ name: "dev/sda", type: "block-device", devmajor: 8, devminor: 0 }],
    () => [{ name: "bin/prog", type: "directory" }], // the program replaced by a directory
    () => [{ name: "bin/.wh.prog", data: Buffer.alloc(0) }],
    () => [{ name: ".wh..wh..opq", data: Buffer.alloc(0) }],
    () => [{ name: `bin/${"n".repeat(200)}`, data: prog }],
    () => [{ name: `${"d/".repeat(300)}prog`, data: prog }],
    () => [{ name: "bin/new\nline", data: prog }],
    () => [{ name: "/abs/prog", data: prog }],
    () => [{ name: "./", type: "directory" }],
    () => Array.from({ length: 50 }, (_, k) => ({ name: `bin/chain${k}`, type: "symlink", linkname: `chain${k + 1}` })),
    () => [{ name: "lib/x86_64-linux-gnu/libc.so.6", type: "symlink", linkname: "/dev/zero" }],
    () => [{ name: "etc/ld.so.conf", data: Buffer.from("include /etc/ld.so.conf\ninclude /etc/*\n") }],
    () => [{ name: "etc/ld.so.conf", type: "fifo" }],
  ];
  for (let n = r.int(5); n > 0; n--) entries.push(...r.pick(odd)());
  return entries;
}

/** An image configuration: the entry point may name a link loop, a FIFO, /dev/zero or nothing. */
function imageConfig(r, diffIds) {
  const entry = r.pick([["/bin/prog"], ["/bin/sh", "-c", "exec prog"], ["/bin/loop-a"], ["/bin/fifo"], ["/dev/zero"], ["/bin/zero"], ["nothing-here"], [], ["/usr/bin/dyn"], ["prog"]]);
  const env = r.next() < 0.2 ? [`PATH=${"/bin:".repeat(1 + r.int(5000))}`] : ["PATH=/usr/bin:/bin"];
  return JSON.stringify({ architecture: r.next() < 0.1 ? "arm64" : "amd64", os: "linux", config: { Entrypoint: entry, Env: env, WorkingDir: r.pick(["/", "/bin", "../..", ""]) }, rootfs: { type: "layers", diff_ids: diffIds.map((d) => `sha256:${d}`) } });
}

/** Compresses a layer for an OCI layout: gzip or zstd (the zstd tool; node:zlib has no zstd on Node 20). */
function compress(r, raw) {
  if (have("zstd") && r.next() < 0.5) return { bytes: execFileSync("zstd", ["-q", "-c", "-3"], { input: raw, maxBuffer: 1 << 30 }), type: "zstd" };
  return { bytes: gzipSync(raw), type: "gzip" };
}

/**
 * One image case: a `docker save` archive, an OCI layout tar or an OCI layout directory holding one or two layers of
 * odd entries, then one mutation of its JSON, of a layer blob, or of the archive's bytes.
 */
async function imageCase(r, read, seedFiles, caseDir, other) {
  const layers = [];
  for (let n = 1 + r.int(2); n > 0; n--) layers.push(await packTar(imageEntries(r, read, seedFiles)));
  const layout = r.pick(["docker", "oci-tar", "oci-dir", "docker-dir", "docker-gz"]);
  const what = r.pick(["json", "layer", "bytes", "none"]);
  const members = new Map(); // name -> bytes
  const jsonNames = [];
  if (layout.startsWith("docker")) {
    const ids = layers.map(sha);
    layers.forEach((l, k) => members.set(`${ids[k]}/layer.tar`, what === "layer" && k === layers.length - 1 ? mutate(r, l, other) : l));
    const cfg = imageConfig(r, ids);
    const cfgName = `${sha(cfg)}.json`;
    members.set(cfgName, Buffer.from(cfg));
    members.set("manifest.json", Buffer.from(JSON.stringify([{ Config: cfgName, RepoTags: ["fuzz:1"], Layers: ids.map((d) => `${d}/layer.tar`) }])));
    jsonNames.push(cfgName, "manifest.json");
  } else {
    const blob = (b) => {
      const d = sha(b);
      members.set(`blobs/sha256/${d}`, b);
      return d;
    };
    const descs = layers.map((raw, k) => {
      const { bytes, type } = compress(r, raw);
      const kept = what === "layer" && k === layers.length - 1 ? mutate(r, bytes, other) : bytes;
      return { mediaType: `application/vnd.oci.image.layer.v1.tar+${type}`, digest: `sha256:${blob(kept)}`, size: kept.length };
    });
    const cfg = imageConfig(r, layers.map(sha));
    const cfgDigest = blob(Buffer.from(cfg));
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: `sha256:${cfgDigest}`, size: cfg.length }, layers: descs });
    const mDigest = blob(Buffer.from(manifest));
    const manifests = [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `sha256:${mDigest}`, size: manifest.length, platform: { os: "linux", architecture: "amd64" } }];
    if (r.next() < 0.2) manifests.unshift({ mediaType: "application/vnd.oci.image.index.v1+json", digest: `sha256:${"1".repeat(64)}`, size: 10, platform: { os: "linux", architecture: "amd64" } });
    members.set("oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" })));
    members.set("index.json", Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests })));
    jsonNames.push("index.json", `blobs/sha256/${mDigest}`, `blobs/sha256/${cfgDigest}`);
  }
  if (what === "json") {
    const name = r.pick(jsonNames);
    members.set(name, Buffer.from(mutateJson(r, members.get(name).toString("utf8"))));
  }
  if (layout.endsWith("-dir")) {
    const dir = join(caseDir, "image");
    for (const [name, bytes] of members) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), what === "bytes" && name.startsWith("blobs/") && r.next() < 0.3 ? mutate(r, bytes, other) : bytes);
    }
    if (r.next() < 0.3) {
      // A member replaced by what a plain read would block on or never finish: a FIFO, /dev/zero, a directory.
      const name = r.pick([...members.keys()]);
      const how = r.pick(["fifo", "zero", "urandom", "directory"]);
      removeTree(join(dir, name));
      if (how === "fifo") makeEntry({ name, type: "fifo" }, dir);
      else if (how === "directory") mkdirSync(join(dir, name));
      else symlinkSync(`/dev/${how}`, join(dir, name));
      return { path: dir, kind: `image:${layout}:${how}` };
    }
    return { path: dir, kind: `image:${layout}:${what}` };
  }
  let archive = await packTar([...members].map(([name, data]) => ({ name, data, mode: 0o644 })));
  if (layout === "docker-gz") archive = gzipSync(archive);
  if (what === "bytes") archive = mutate(r, archive, other);
  const file = join(caseDir, "image.tar");
  writeFileSync(file, archive);
  return { path: file, kind: `image:${layout}:${what}` };
}

/** A directory entry made on disk: false when this machine refuses it (mknod in a container). */
function makeEntry(e, dir) {
  const p = join(dir, e.name);
  switch (e.type) {
    case "fifo":
      return tryRun("mkfifo", [p]);
    case "char":
      return tryRun("mknod", [p, "c", "1", "3"]);
    case "symlink":
      symlinkSync(e.target, p);
      return true;
    default:
      writeFileSync(p, e.data);
      if (e.mode !== undefined) chmodSync(p, e.mode);
      return true;
  }
}

/**
 * A directory holding a good program and odd entries. `errs` lists the entries that must each be an error line on
 * stderr (a FIFO, a device, what cannot be read, a name that is not UTF-8, a link loop); the good program must be
 * reported. Explicit odd paths are sometimes named on the command line too.
 */
function oddDirCase(r, read, seedFiles, caseDir, unprivileged) {
  const dir = join(caseDir, "dir");
  mkdirSync(dir);
  const good = join(dir, "good");
  copyFileSync(seedFiles.dynamic ?? seedFiles.static, good);
  chmodSync(good, 0o755);
  const elf = read(seedFiles.static);
  const errs = [];
  const extra = [];
  const odd = [
    () => {
      if (makeEntry({ name: "pipe", type: "fifo" }, dir)) errs.push("pipe");
      if (r.next() < 0.5) extra.push(join(dir, "pipe"));
    },
    () => {
      if (makeEntry({ name: "null", type: "char" }, dir)) errs.push("null");
    },
    () => {
      makeEntry({ name: "zero.c", type: "symlink", target: "/dev/zero" }, dir);
      if (r.next() < 0.5) extra.push(join(dir, "zero.c"));
    },
    () => makeEntry({ name: "urandom", type: "symlink", target: "/dev/urandom" }, dir),
    () => {
      makeEntry({ name: "secret.c", data: Buffer.from("int main(void) { return fork(); }\n"), mode: 0o000 }, dir);
      if (unprivileged) errs.push("secret.c");
    },
    () => {
      mkdirSync(join(dir, "locked"));
      writeFileSync(join(dir, "locked", "prog"), elf);
      chmodSync(join(dir, "locked"), 0o000);
      if (unprivileged) errs.push("locked");
    },
    () => makeEntry({ name: "new\nline.c", data: Buffer.from("int main(void) { return 0; }\n") }, dir),
    () => {
      writeFileSync(Buffer.concat([Buffer.from(`${dir}/bad-`), Buffer.from([0xff, 0xfe, 0x0a, 0x1b]), Buffer.from(".c")]), "int x;\n");
      errs.push("bad-\\xff\\xfe");
    },
    () => makeEntry({ name: `${"L".repeat(253)}.c`, data: Buffer.from("int y;\n") }, dir),
    () => makeEntry({ name: "-rf.c", data: Buffer.from("int z;\n") }, dir),
    () => {
      // A path deeper than PATH_MAX (4096 bytes), made with relative steps.
      const step = "d".repeat(200);
      tryRun("sh", ["-c", `cd "$1" && for i in $(seq 25); do mkdir ${step} && cd ${step} || exit 1; done && cp "$2" prog`, "sh", dir, seedFiles.static]);
      errs.push(step);
    },
    () => {
      makeEntry({ name: "loop", type: "symlink", target: "." }, dir);
      makeEntry({ name: "up", type: "symlink", target: ".." }, dir);
    },
    () => {
      makeEntry({ name: "chain-a", type: "symlink", target: "chain-b" }, dir);
      makeEntry({ name: "chain-b", type: "symlink", target: "chain-a" }, dir);
      errs.push("chain-a", "chain-b");
    },
    () => makeEntry({ name: "empty.c", data: Buffer.alloc(0) }, dir),
  ];
  const picked = new Set();
  for (let n = 2 + r.int(6); n > 0; n--) picked.add(r.int(odd.length));
  for (const k of [...picked].sort((a, b) => a - b)) odd[k]();
  if (r.next() < 0.2) extra.push("/dev/zero");
  return { args: [dir, ...extra], kind: "dir", good, errs, unprivileged };
}

/**
 * A root file system (or a --sysroot tree) with a dynamic program whose loader configuration or libc is odd, or
 * (as a root file system) with an unreadable program or directory, or a program whose name is not UTF-8.
 */
function sysrootCase(r, read, seedFiles, caseDir, other, unprivileged) {
  const root = join(caseDir, "root");
  for (const d of ["etc/ld.so.conf.d", "usr/bin", "usr/lib/x86_64-linux-gnu", "lib64"]) mkdirSync(join(root, d), { recursive: true });
  symlinkSync("usr/lib", join(root, "lib"));
  const prog = join(root, "usr/bin/prog");
  copyFileSync(seedFiles.dynamic, prog);
  writeFileSync(join(root, "etc/ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n");
  writeFileSync(join(root, "etc/ld.so.conf.d/x86_64.conf"), "/usr/lib/x86_64-linux-gnu\n");
  symlinkSync("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", join(root, "lib64/ld-linux-x86-64.so.2"));
  const libc = join(root, "usr/lib/x86_64-linux-gnu/libc.so.6");
  const variants = {
    real: () => copyFileSync(seedFiles.libc, libc),
    mutated: () => writeFileSync(libc, mutate(r, read(seedFiles.libc), other)),
    fifo: () => makeEntry({ name: "libc.so.6", type: "fifo" }, dirname(libc)),
    zero: () => symlinkSync("/dev/zero", libc),
    urandom: () => symlinkSync("/dev/urandom", libc),
    loop: () => symlinkSync("libc.so.6", libc),
    outside: () => symlinkSync("../../../../../../../../etc/passwd", libc),
    directory: () => mkdirSync(libc),
    empty: () => writeFileSync(libc, Buffer.alloc(0)),
    "conf-fifo": () => {
      copyFileSync(seedFiles.libc, libc);
      removeTree(join(root, "etc/ld.so.conf"));
      makeEntry({ name: "ld.so.conf", type: "fifo" }, join(root, "etc"));
    },
    "conf-zero": () => {
      copyFileSync(seedFiles.libc, libc);
      removeTree(join(root, "etc/ld.so.conf.d/x86_64.conf"));
      symlinkSync("/dev/zero", join(root, "etc/ld.so.conf.d/x86_64.conf"));
    },
    "conf-loop": () => {
      copyFileSync(seedFiles.libc, libc);
      writeFileSync(join(root, "etc/ld.so.conf"), "include /etc/ld.so.conf\ninclude /etc/*\ninclude /etc/ld.so.conf.d/*\n" + "/usr/lib\n".repeat(10000));
    },
  };
  // Entries a root file system scan must name in an error line (run without root's DAC override when this runs as root).
  const errs = [];
  const unreadable = {
    unreadable: () => {
      copyFileSync(seedFiles.libc, libc);
      copyFileSync(seedFiles.static, join(root, "usr/bin/secret"));
      chmodSync(join(root, "usr/bin/secret"), 0o000);
      if (unprivileged) errs.push("/usr/bin/secret");
    },
    locked: () => {
      copyFileSync(seedFiles.libc, libc);
      mkdirSync(join(root, "usr/locked"));
      copyFileSync(seedFiles.static, join(root, "usr/locked/prog"));
      chmodSync(join(root, "usr/locked"), 0o000);
      if (unprivileged) errs.push("/usr/locked");
    },
    badname: () => {
      copyFileSync(seedFiles.libc, libc);
      writeFileSync(Buffer.concat([Buffer.from(join(root, "usr/bin/bad-")), Buffer.from([0xff, 0x0a])]), read(seedFiles.static));
      errs.push("/usr/bin/bad-\\xff\\x0a");
    },
  };
  const variant = r.pick([...Object.keys(variants), ...Object.keys(unreadable)]);
  (variants[variant] ?? unreadable[variant])();
  const mode = variant in unreadable ? "rootfs" : r.pick(["rootfs", "sysroot"]);
  const args = mode === "rootfs" ? [root] : [prog, "--sysroot", root];
  return { args, kind: `${mode}:${variant}`, good: mode === "rootfs" ? `${root}:/usr/bin/prog` : prog, errs, unprivileged: errs.length > 0 && unprivileged };
}


/** Runs `unifit scan ARGS -f json -q --no-cache` with the wall budget: exit, signal, stdout, stderr, wall time and peak RSS (KB). */
function run(args, budgetSec, scratch, unprivileged) {
  return new Promise((resolve) => {
    const timeFile = join(scratch, `time.${process.pid}.${Math.random().toString(36).slice(2)}.txt`);
    // Made here and writable by all: /usr/bin/time writes it as the user the scan runs as.
    closeSync(openSync(timeFile, "w", 0o666));
    chmodSync(timeFile, 0o666);
    // Unprivileged: root without its override of file permissions (setpriv drops CAP_DAC_OVERRIDE and
    // CAP_DAC_READ_SEARCH), so that a mode 000 entry is unreadable while the CLI stays reachable.
    const drop = unprivileged ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] : [];
    const cmd = ["-f", "%M %e", "-o", timeFile, ...drop, process.execPath, CLI, "scan", ...args, "-f", "json", "-q", "--no-cache"];
    const started = Date.now();
    const child = spawn("/usr/bin/time", cmd, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
      detached: true,
    });
    let stderr = "";
    const out = [];
    let outBytes = 0;
    child.stdout.on("data", (d) => {
      outBytes += d.length;
      if (outBytes <= 64 * 1024 * 1024) out.push(d);
    });
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
      } catch {
        // killed before /usr/bin/time wrote its figures: the hang is what counts
      }
      removeTree(timeFile);
      const stdout = outBytes <= 64 * 1024 * 1024 ? Buffer.concat(out).toString("utf8") : undefined;
      resolve({ status, signal, hung, stdout, stderr, seconds: (Date.now() - started) / 1000, rssKb, command: `unifit scan ${args.map(shellQuote).join(" ")} -f json -q --no-cache` });
    });
  });
}

const shellQuote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);

/** What a run's outcome is: ok, or the kind of failure with the reason. */
function classify(res, memoryMb, c) {
  if (res.hung) return ["hang"];
  if (res.rssKb > memoryMb * 1024) return ["memory"];
  if (res.signal !== null || ![0, 1, 2].includes(res.status)) return ["crash"];
  if (/^\s+at .+:\d+:\d+\)?$/m.test(res.stderr) || /internal error/i.test(res.stderr)) return ["crash"];
  if (c.good !== undefined) {
    let paths;
    try {
      // Compact JSON: one line per file report, each starting with its path.
      paths = [...(res.stdout ?? "").matchAll(/^\s*\{"path":("(?:[^"\\]|\\.)*")/gm)].map((m) => JSON.parse(m[1]));
    } catch {
      paths = [];
    }
    if (!paths.includes(c.good)) return ["lost", `the good program ${c.good} is not in the report`];
  }
  const lines = res.stderr.split("\n");
  for (const name of c.errs ?? []) {
    if (!lines.some((l) => l.startsWith("unifit: ") && l.includes(name))) return ["lost", `no error line names ${name}`];
  }
  if ((c.errs ?? []).length > 0 && res.status !== 2) return ["lost", `exit ${res.status}, not 2, with entries that cannot be read`];
  return ["ok"];
}

/** The order of input kinds: every kind within the first seven cases, ELF and sources most often. */
const ROTATION = ["elf", "image", "dir", "source", "sysroot", "elf", "odd", "source", "image", "elf"];

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  if (!existsSync("/usr/bin/time")) throw new Error("/usr/bin/time is missing (apt-get install time)");
  const seedDir = join(o.out, "seeds");
  const scratch = join(o.out, "scratch", String(process.pid));
  const found = join(o.out, "found");
  mkdirSync(scratch, { recursive: true });
  chmodSync(scratch, 0o755);
  const corpus = seeds(seedDir);
  const elves = corpus.filter((s) => s.kind === "elf");
  const sources = corpus.filter((s) => s.kind === "source");
  const byName = (n) => elves.find((s) => basename(s.path) === n)?.path;
  const libc = join(ROOT, ".cache", "debian", "libc6", "lib", "x86_64-linux-gnu", "libc.so.6");
  const seedFiles = { static: byName("gcc-static") ?? byName("musl-static"), dynamic: byName("gcc-dynamic"), libc: existsSync(libc) ? libc : undefined };
  const unprivileged = process.getuid?.() === 0;
  const rotation = ROTATION.filter((k) => {
    if (k === "image" || k === "dir") return seedFiles.static !== undefined;
    if (k === "sysroot") return seedFiles.dynamic !== undefined && seedFiles.libc !== undefined;
    if (k === "elf") return elves.length > 0;
    if (k === "source") return sources.length > 0;
    return true;
  });
  const r = rng(o.seed);
  const counts = { ok: 0, crash: 0, hang: 0, memory: 0, lost: 0 };
  const byKind = new Map();
  const failures = [];
  const harness = [];
  let peak = { rssKb: 0, name: "" };
  let slowest = { seconds: 0, name: "" };
  const deadline = Date.now() + o.minutes * 60000;
  const readCache = new Map();
  const read = (p) => {
    let b = readCache.get(p);
    if (b === undefined) readCache.set(p, (b = readFileSync(p)));
    return b;
  };
  process.stderr.write(
    `fuzz: seed ${o.seed}, ${elves.length} ELF (${elves.map((e) => basename(e.path)).join(", ")}) and ${sources.length} source seeds, ` +
      `rotation ${rotation.join(",")}, budget ${o.budget} s and ${o.memoryMb} MB per input${unprivileged ? ", odd directories scanned without DAC override" : ""}\n`,
  );

  /** Case i, made on disk under its own directory; cases are made one after the other, so a seed names each case. */
  const makeCase = async (i) => {
    const caseDir = join(scratch, String(i));
    mkdirSync(caseDir);
    chmodSync(caseDir, 0o755);
    const kind = rotation[i % rotation.length];
    const other = read(r.pick(corpus).path);
    if (kind === "image") return { ...(await imageCase(r, read, seedFiles, caseDir, other)), caseDir, i };
    if (kind === "dir") return { ...oddDirCase(r, read, seedFiles, caseDir, unprivileged), caseDir, i };
    if (kind === "sysroot") return { ...sysrootCase(r, read, seedFiles, caseDir, other, unprivileged), caseDir, i };
    let name;
    let bytes;
    let label;
    if (kind === "odd") {
      [name, bytes] = oddInput(r);
      label = `odd:${name}`;
    } else {
      const s = r.pick(kind === "elf" ? elves : sources);
      bytes = mutate(r, read(s.path), other);
      const ext = extname(s.path);
      name = `${basename(s.path, ext)}${s.kind === "source" ? ext : ""}`;
      label = s.kind === "elf" ? `elf:${basename(s.path)}` : `source${ext}`;
    }
    const file = join(caseDir, name);
    writeFileSync(file, bytes);
    return { args: [file], kind: label, caseDir, i };
  };
  let making = Promise.resolve();
  let made = 0;
  const next = () => {
    const i = made++;
    const c = making.then(() => makeCase(i)).catch((e) => {
      throw Object.assign(e, { caseIndex: i });
    });
    making = c.catch(() => undefined);
    return c;
  };

  const runCase = async (c, keepAlways) => {
    const res = await run(c.args ?? [c.path], o.budget, scratch, c.unprivileged === true);
    const [outcome, why] = classify(res, o.memoryMb, c);
    counts[outcome]++;
    const k = byKind.get(c.kind) ?? { runs: 0, failed: 0 };
    k.runs++;
    if (outcome !== "ok") k.failed++;
    byKind.set(c.kind, k);
    const name = `${c.i}-${c.kind}`;
    if (res.rssKb > peak.rssKb) peak = { rssKb: res.rssKb, name };
    if (res.seconds > slowest.seconds) slowest = { seconds: res.seconds, name };
    if (outcome !== "ok" || keepAlways) {
      const kept = join(found, outcome, `seed${o.seed}-${c.i}`);
      removeTree(kept);
      mkdirSync(dirname(kept), { recursive: true });
      tryRun("cp", ["-a", c.caseDir, kept]);
      const replay = `node scripts/fuzz.mjs --seed ${o.seed} --replay ${c.i}`;
      writeFileSync(`${kept}.txt`, `${res.command}\n(as ${c.unprivileged === true ? "root without DAC override" : "this user"}; the case is kept in ${kept}; ${replay} makes it again)\n${why ?? ""}\nexit ${res.status} signal ${res.signal} ${res.seconds.toFixed(1)} s ${Math.round(res.rssKb / 1024)} MB\n${res.stderr}`);
      if (outcome !== "ok") {
        failures.push(`${outcome}: ${c.kind}: ${why !== undefined ? `${why}: ` : ""}${res.command} (${res.seconds.toFixed(1)} s, ${Math.round(res.rssKb / 1024)} MB, exit ${res.status ?? res.signal}); kept as ${kept}, made again by ${replay}`);
        process.stderr.write(`fuzz: ${failures[failures.length - 1]}\n`);
      }
    }
    removeTree(c.caseDir);
    if (!o.quiet && (counts.ok + counts.crash + counts.hang + counts.memory + counts.lost) % 25 === 0) process.stderr.write(`fuzz: ${made} inputs, ${JSON.stringify(counts)}\n`);
  };

  if (o.dryRun) {
    while (made < (o.iterations === Infinity ? 10 : o.iterations)) {
      const c = await next();
      process.stdout.write(`${c.i} ${c.kind}${c.unprivileged === true ? " (unprivileged)" : ""}: unifit scan ${(c.args ?? [c.path]).map(shellQuote).join(" ")}\n`);
      removeTree(c.caseDir);
    }
    removeTree(scratch);
    return;
  }
  if (o.replay !== undefined) {
    while (made < o.replay) removeTree((await next()).caseDir);
    await runCase(await next(), true);
  } else {
    const lane = async () => {
      while (made < o.iterations && Date.now() < deadline) {
        let c;
        try {
          c = await next();
        } catch (e) {
          // A fault of the harness itself: counted and shown, and the run goes on.
          harness.push(`case ${e.caseIndex}: ${e.stack ?? e.message}`);
          process.stderr.write(`fuzz: harness error making case ${e.caseIndex} (--replay ${e.caseIndex}): ${e.stack ?? e.message}\n`);
          continue;
        }
        await runCase(c, false);
      }
    };
    await Promise.all(Array.from({ length: o.jobs }, lane));
  }
  removeTree(scratch);
  const total = counts.ok + counts.crash + counts.hang + counts.memory + counts.lost;
  const lines = [
    `fuzz summary (seed ${o.seed}, ${total} inputs in ${o.minutes} min budget, -j ${o.jobs})`,
    `  ok ${counts.ok}  crashes ${counts.crash}  hangs past ${o.budget} s ${counts.hang}  over ${o.memoryMb} MB ${counts.memory}  lost ${counts.lost}`,
    `  peak RSS ${Math.round(peak.rssKb / 1024)} MB (${peak.name}); slowest ${slowest.seconds.toFixed(1)} s (${slowest.name})`,
    "  by input:",
    ...[...byKind].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) => `    ${k}: ${v.runs} runs, ${v.failed} failed`),
    ...(failures.length > 0 ? ["  reproducers:", ...failures.map((f) => `    ${f}`)] : []),
    ...(harness.length > 0 ? [`  harness errors (cases not made): ${harness.length}`, ...harness.map((h) => `    ${h.split("\n")[0]}`)] : []),
  ];
  process.stdout.write(lines.join("\n") + "\n");
  process.exitCode = failures.length > 0 || harness.length > 0 ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`fuzz: ${e.stack ?? e.message}\n`);
  process.exitCode = 2;
});
