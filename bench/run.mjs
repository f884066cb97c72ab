#!/usr/bin/env node
// bench/run.mjs: how fast `unifit scan` is, against `objdump -d` on the same files in the same run.
//
// Cases: "corpus" is every regular ELF file (by magic; symlinks skipped) under /usr/bin, /usr/sbin and the Debian
// packages that bench/corpus.sh unpacks into .cache/bench/; "node" is /usr/bin/node alone (~95 MB). Each tool gets
// all the files of a case in one process, as `xargs` would pass them (--batch N: N files per process, one process
// after the other), output sent to /dev/null. Every file is read once first so that the page cache is warm for all.
// unifit is measured twice: "unifit scan" analyses every library the programs load within the pass (its cache
// starts empty but for the parsed database and rules), "unifit, warm" reuses library analyses made before the runs.
// Each case is then measured --runs times, the three alternating (the order reverses every run): wall time per full
// pass, and peak RSS of the largest process (GNU time's %M). The files unifit refuses (exit 2) are counted in its first pass from the one
// stderr line it prints per report error. Prints a table of medians and the ratio objdump/unifit, and appends one
// JSON record to bench/results/<YYYY-MM-DD>.jsonl.
//
// Source section: every .c/.h file of the Debian source trees that test/setup/sources.sh unpacks into .cache/src/
// (nginx, redis, lighttpd, memcached), measured four ways in the same run: tree-sitter parsing alone (in-process,
// tree-sitter and tree-sitter-c from node_modules), unifit's extraction alone (parseSource), unifit's full source
// analysis in-process (scanFile: extraction + rule matching + rating for every target) and the CLI
// (`unifit scan <dirs…>`, one process). Medians, lines/s, MB/s and the overhead ratio unifit / parse-only.
//
// Arguments section (bench/arguments.mjs): over the same corpus and the servers bench/corpus.sh builds unstripped
// (.cache/bench-servers), the share of socket/mmap/ioctl/fcntl/prctl call sites
// whose deciding argument (socket's domain, mmap's flags...) is a constant where the call is made, for files with and
// without symbols.
//
// Options: --runs N (3), --batch N (files per process; default all), --quick (first 200 binary files, 1 run),
// --no-node (skip the node case), --only-source (skip the binary cases), --no-source (skip the source section),
// --no-arguments (skip the arguments section). Never used in tests: timings belong here, not in
// assertions.

import { spawnSync } from "node:child_process";
import { appendFileSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist/src/cli/main.js");
const TIME = "/usr/bin/time";
const QUICK_FILES = 200;
const NODE_BINARY = "/usr/bin/node";

// ---- options ----
const argv = process.argv.slice(2);
const opts = { runs: 3, quick: false, node: true, binary: true, source: true, batch: 0, arguments: true };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--quick") opts.quick = true;
  else if (a === "--no-node") opts.node = false;
  else if (a === "--only-source") opts.binary = false;
  else if (a === "--no-source") opts.source = false;
  else if (a === "--no-arguments") opts.arguments = false;
  else if (a === "--batch" || a.startsWith("--batch=")) {
    const v = a.includes("=") ? a.slice(8) : argv[++i];
    opts.batch = Number(v);
    if (!Number.isInteger(opts.batch) || opts.batch < 1) fail(`--batch needs a positive integer, not "${v}"`);
  } else if (a === "--runs" || a.startsWith("--runs=")) {
    const v = a.includes("=") ? a.slice(7) : argv[++i];
    opts.runs = Number(v);
    if (!Number.isInteger(opts.runs) || opts.runs < 1) fail(`--runs needs a positive integer, not "${v}"`);
  } else fail(`unknown option "${a}" (options: --runs N, --batch N, --quick, --no-node, --only-source, --no-source, --no-arguments)`);
}
if (opts.quick && !argv.some((a) => a.startsWith("--runs"))) opts.runs = 1;
if (!opts.binary && !opts.source) fail("--only-source and --no-source together leave nothing to measure");

function fail(msg) {
  console.error(`bench: ${msg}`);
  process.exit(2);
}

// ---- corpus ----
function isElf(file) {
  const buf = Buffer.alloc(4);
  let fd;
  try {
    fd = openSync(file, "r");
    return readSync(fd, buf, 0, 4, 0) === 4 && buf.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } catch {
    return false; // unreadable: not part of the corpus
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Regular ELF files under dir, recursively; symlinks (to files or directories) are never followed. */
function elfFiles(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) elfFiles(p, out);
    else if (e.isFile() && isElf(p)) out.push(p);
  }
  return out;
}

const benchDir = path.join(root, ".cache/bench");
const packages = existsSync(benchDir) ? readdirSync(benchDir).filter((d) => !d.endsWith(".tmp")).sort() : [];
const debsDir = path.join(root, ".cache/bench-debs");
const debs = existsSync(debsDir) ? readdirSync(debsDir).filter((f) => f.endsWith(".deb")).sort() : [];
const roots = ["/usr/bin", "/usr/sbin", ...packages.map((p) => path.join(benchDir, p))];
let corpus = opts.binary ? roots.flatMap((r) => elfFiles(r).sort()) : [];
if (opts.quick) corpus = corpus.slice(0, QUICK_FILES);
const sizeOf = (files) => files.reduce((n, f) => n + statSync(f).size, 0);
const cases = opts.binary ? [{ name: "corpus", files: corpus, bytes: sizeOf(corpus) }] : [];
if (opts.binary && opts.node && existsSync(NODE_BINARY)) cases.push({ name: "node", files: [NODE_BINARY], bytes: sizeOf([NODE_BINARY]) });
else if (opts.binary && opts.node) console.error(`bench: ${NODE_BINARY} not found, skipping the node case`);

if (!existsSync(cli)) fail(`${path.relative(root, cli)} is missing: run \`npm run build\` first`);
const mb = (bytes) => bytes / 1e6;
if (opts.binary) {
  console.log(`corpus: ${corpus.length} ELF files, ${mb(cases[0].bytes).toFixed(1)} MB` +
    ` (/usr/bin, /usr/sbin, ${packages.length} packages in .cache/bench)${opts.quick ? " [quick]" : ""}`);
  if (packages.length === 0) console.log("bench: .cache/bench is empty; run bash bench/corpus.sh for the Debian packages");
}

// ---- running ----
const hasTime = existsSync(TIME);
const tmp = mkdtempSync(path.join(os.tmpdir(), "unifit-bench-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));

// unifit keeps derived data in its cache directory: the parsed database and rules (seeded into every directory
// below, as any installed unifit has them after its first run) and each library's analysis, by content hash.
// "unifit scan" starts every pass with no library analysed (they are analysed in the pass, once each, as a first
// scan of a tree does); "unifit, warm" reuses the analyses of an untimed pass made before the runs.
const seedDir = path.join(tmp, "seed");
const coldDir = (run) => path.join(tmp, `cold-${run}-${process.hrtime.bigint()}`);
const warmDir = path.join(tmp, "warm");
function seeded(dir) {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(seedDir)) if (/^(db|rules)-/.test(f)) copyFileSync(path.join(seedDir, f), path.join(dir, f));
  return dir;
}
const unifitArgs = (files) => [cli, "scan", ...files, "--format", "json", "-o", "/dev/null", "--fail-on", "none"];
const unifitOk = (status) => status === 0 || status === 2; // 2: some file was refused, which is part of the result
const tools = {
  objdump: { label: "objdump -d", cmd: "objdump", args: (files) => ["-d", ...files], ok: () => true, env: () => ({}) },
  unifit: { label: "unifit scan", cmd: process.execPath, args: unifitArgs, ok: unifitOk, env: () => ({ UNIFIT_CACHE_DIR: seeded(coldDir()) }) },
  warm: { label: "unifit, warm", cmd: process.execPath, args: unifitArgs, ok: unifitOk, env: () => ({ UNIFIT_CACHE_DIR: warmDir }) },
};
const TOOLS = ["objdump", "unifit", "warm"];

/** Runs cmd once under GNU time when present; returns wall seconds, peak RSS (KB) and CPU seconds of that process. */
function runOnce(tool, args, env) {
  const timeOut = path.join(tmp, "time.txt");
  const [cmd, full] = hasTime ? [TIME, ["-f", "%M %U %S", "-o", timeOut, tool.cmd, ...args]] : [tool.cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, full, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) fail(`${tool.label}: ${r.error.message}`);
  if (r.signal !== null || !tool.ok(r.status)) {
    fail(`${tool.label} failed (status ${r.status}, signal ${r.signal}):\n${String(r.stderr).split("\n").slice(-15).join("\n")}`);
  }
  const stderr = String(r.stderr);
  if (!hasTime) return { wallS, peakRssKB: null, cpuS: null, stderr };
  const [rss, user, sys] = readFileSync(timeOut, "utf8").trim().split("\n").at(-1).split(" ").map(Number);
  return { wallS, peakRssKB: rss, cpuS: user + sys, stderr };
}

/** All files in one process (as `xargs` passes them), or --batch N files per process. */
const batches = (files) => {
  const n = opts.batch > 0 ? opts.batch : files.length;
  return Array.from({ length: Math.ceil(files.length / n) }, (_, i) => files.slice(i * n, (i + 1) * n));
};

/** One full pass of a tool over a case: its batches in sequence. unifit's refusals are added to `refused`. */
function pass(tool, files, refused) {
  const t0 = process.hrtime.bigint();
  let peakRssKB = null;
  let cpuS = 0;
  const env = tool.env();
  for (const b of batches(files)) {
    const r = runOnce(tool, tool.args(b), env);
    if (r.peakRssKB !== null) peakRssKB = Math.max(peakRssKB ?? 0, r.peakRssKB);
    cpuS += r.cpuS ?? 0;
    // With -o, the CLI repeats each of the report's errors on stderr as "unifit: <path>: <message>".
    for (const m of r.stderr.matchAll(/^unifit: (.*?): (.*)$/gm)) refused?.push({ path: m[1], message: m[2] });
  }
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  return { wallS: round(wallS), cpuS: hasTime ? round(cpuS) : null, peakRssKB };
}

const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// Warm-up: read every file once, so that neither tool pays for a cold disk in the first run; seed the cache with the
// database and rules; give the warm variant its library analyses.
for (const c of cases) for (const f of c.files) readFileSync(f);
if (cases.length > 0) {
  runOnce(tools.unifit, [cli, "targets"], { UNIFIT_CACHE_DIR: seedDir });
  runOnce(tools.unifit, [cli, "scan", path.join(root, "fixtures/sample/prefork-server"), "--fail-on", "none", "--no-libraries"], { UNIFIT_CACHE_DIR: seedDir });
  seeded(warmDir);
  for (const c of cases) pass(tools.warm, c.files);
}

const refused = [];
const results = {};
for (const c of cases) results[c.name] = { files: c.files.length, bytes: c.bytes, objdump: { runs: [] }, unifit: { runs: [] }, warm: { runs: [] } };
for (let run = 0; run < opts.runs; run++) {
  const order = run % 2 === 0 ? TOOLS : [...TOOLS].reverse();
  for (const c of cases) {
    for (const t of order) {
      const r = pass(tools[t], c.files, run === 0 && t === "unifit" && c.name === "corpus" ? refused : undefined);
      results[c.name][t].runs.push(r);
      process.stderr.write(`  run ${run + 1}/${opts.runs} ${c.name} ${tools[t].label}: ${r.wallS.toFixed(2)} s\n`);
    }
  }
}

// ---- summary ----
if (opts.binary) {
  console.log(`unifit refused ${refused.length} of ${corpus.length} corpus files (exit 2 on their batches)`);
  for (const r of refused.slice(0, 10)) console.log(`  ${r.path}: ${r.message}`);
  if (refused.length > 10) console.log(`  … and ${refused.length - 10} more (all in the JSON record)`);
}
for (const c of cases) {
  const res = results[c.name];
  for (const t of TOOLS) {
    const m = res[t];
    m.medianS = round(median(m.runs.map((r) => r.wallS)));
    m.filesPerS = round(c.files.length / m.medianS, 1);
    m.mbPerS = round(mb(c.bytes) / m.medianS, 2);
    m.peakRssKB = hasTime ? Math.max(...m.runs.map((r) => r.peakRssKB)) : null;
  }
  res.ratio = round(res.objdump.medianS / res.unifit.medianS, 2); // > 1: unifit is faster
  res.ratioWarm = round(res.objdump.medianS / res.warm.medianS, 2);
}

const pad = (s, n) => String(s).padStart(n);
if (opts.binary) console.log(`\n${"case".padEnd(8)} ${"tool".padEnd(12)} ${pad("median s", 9)} ${pad("files/s", 9)} ${pad("MB/s", 8)} ${pad("peak RSS MB", 12)}  runs (s)`);
for (const c of cases) {
  for (const t of TOOLS) {
    const m = results[c.name][t];
    const rss = m.peakRssKB === null ? "n/a" : (m.peakRssKB / 1024).toFixed(1);
    console.log(`${c.name.padEnd(8)} ${tools[t].label.padEnd(12)} ${pad(m.medianS.toFixed(2), 9)} ${pad(m.filesPerS.toFixed(1), 9)}` +
      ` ${pad(m.mbPerS.toFixed(1), 8)} ${pad(rss, 12)}  ${m.runs.map((r) => r.wallS.toFixed(2)).join(" ")}`);
  }
}
if (opts.binary) console.log("");
for (const c of cases) {
  const ratio = (r) => (r >= 1 ? `${r.toFixed(1)}× faster than` : `${(1 / r).toFixed(1)}× slower than`);
  const { ratio: cold, ratioWarm: warm } = results[c.name];
  console.log(`${c.name}: unifit is ${ratio(cold)} objdump -d (${ratio(warm).replace(" than", "")} with the libraries already analysed;` +
    ` median of ${opts.runs} run${opts.runs > 1 ? "s" : ""}, ${c.files.length} file${c.files.length > 1 ? "s" : ""}, ${mb(c.bytes).toFixed(1)} MB)`);
}

// ---- source section ----
// Measured after the binary cases, before the record is written.

const SOURCE_PACKAGES = ["nginx", "redis", "lighttpd", "memcached"];
const SOURCE_EXT = /\.(c|h|cc|cpp|cxx|c\+\+|hh|hpp|hxx)$/i; // what `unifit scan <dir>` picks up (src/input/expand.ts)

/** Regular files under dir whose names match re, recursively, sorted; symlinks are not followed. */
function filesMatching(dir, re, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesMatching(p, re, out);
    else if (e.isFile() && re.test(e.name)) out.push(p);
  }
  return out.sort();
}

const countLines = (buf) => {
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
  return buf.length > 0 && buf[buf.length - 1] !== 10 ? n + 1 : n;
};

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** Text of a source file as unifit reads it: UTF-8, or Latin-1 when it is not valid UTF-8. */
function decode(buf) {
  try {
    return utf8.decode(buf);
  } catch {
    return buf.toString("latin1");
  }
}

// Before each in-process pass a full garbage collection and two turns of the event loop, and a turn after each file
// within a pass, for the baseline and unifit alike. The binding frees a tree's native memory only in a finalizer that
// Node runs from the event loop once the tree is collected: in one synchronous loop every tree of every pass stayed
// (GBs by the end of the runs), and each parse paid for fresh pages the kernel had to fault in and zero. That slowed
// tree-sitter's own parse of redis by about 60% (920 -> 1,500 ms of CPU, most of it system time) and unifit's passes
// by less, so the ratios read better than what a user's scan does. The CLI yields after each file the same way
// (scanSourceProgramAsync). --expose-gc can be turned on at run time; the gc function then appears in contexts
// created after that.
v8.setFlagsFromString("--expose-gc");
const collectGarbage = vm.runInNewContext("gc");
const turn = () => new Promise((resolve) => setImmediate(resolve));
async function settle() {
  // Twice: the first collection frees the trees' node objects, whose finalizers hold the trees.
  collectGarbage();
  await turn();
  collectGarbage();
  await turn();
}

/** Wall seconds and CPU seconds (user + system, this process) taken by fn(file) over every file, in order. */
async function timed(files, fn) {
  await settle();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const f of files) {
    fn(f);
    await turn();
  }
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { wallS: round(wallS), cpuS: round((c.user + c.system) / 1e6) };
}

async function measureSource() {
  const srcRoot = path.join(root, ".cache/src");
  const dirs = SOURCE_PACKAGES.map((p) => path.join(srcRoot, p));
  const absent = dirs.filter((d) => !existsSync(d));
  if (absent.length > 0) {
    console.log(`\nsource trees absent, run bash test/setup/sources.sh (missing: ${absent.map((d) => path.relative(root, d)).join(", ")})`);
    return null;
  }

  // The corpus: every .c/.h file. The CLI, given the directories, also scans their few C++ files; its own set is
  // counted separately so that its lines/s and MB/s are over what it actually read.
  const files = dirs.flatMap((d) => filesMatching(d, /\.[ch]$/));
  const cliFiles = dirs.flatMap((d) => filesMatching(d, SOURCE_EXT));
  const size = (list) => {
    let bytes = 0;
    let lines = 0;
    for (const f of list) {
      const buf = readFileSync(f); // also warms the page cache
      bytes += buf.length;
      lines += countLines(buf);
    }
    return { files: list.length, bytes, lines };
  };
  const corpusInfo = size(files);
  const cliInfo = size(cliFiles);
  const versions = Object.fromEntries(SOURCE_PACKAGES.map((p) => {
    const dsc = path.join(srcRoot, p, ".unifit-dsc");
    const v = existsSync(dsc) ? /^Version: (.*)$/m.exec(readFileSync(dsc, "utf8"))?.[1] : undefined;
    return [p, v ?? "unknown"];
  }));
  console.log(`\nsource: ${corpusInfo.files} .c/.h files, ${corpusInfo.lines} lines, ${mb(corpusInfo.bytes).toFixed(1)} MB` +
    ` (${SOURCE_PACKAGES.map((p) => `${p} ${versions[p]}`).join(", ")})`);

  // (a) tree-sitter alone: its own parser, the C grammar, each file's text fed through the input callback in 16 KiB
  // chunks as unifit does (src/source/tree-sitter.ts), so that both hand tree-sitter the text the same way;
  // read + decode + parse, nothing else.
  const requireHere = createRequire(path.join(root, "package.json"));
  const Parser = requireHere("tree-sitter");
  const parser = new Parser();
  parser.setLanguage(requireHere("tree-sitter-c"));
  const CHUNK = 16384;
  const parseOnly = (f) => {
    const text = decode(readFileSync(f));
    parser.parse((i) => (i >= text.length ? "" : text.slice(i, i + CHUNK)));
  };

  // (b) unifit in-process: extraction alone (parseSource), and the full source analysis of scanFile (read,
  // parseSource, rule matching, syscalls, rating for every target), with the database and rules loaded once.
  // scanFile and scanSourceTree are the per-file stages behind the public scan(): imported from their module.
  const unifit = { ...(await import(pathToFileURL(path.join(root, "dist/src/index.js")).href)), ...(await import(pathToFileURL(path.join(root, "dist/src/scan/scan.js")).href)) };
  const db = unifit.loadDatabase();
  const surfaces = unifit.selectTargets(db, ["all"]);
  const rules = unifit.loadRules(db);
  const extractOnly = (f) => unifit.parseSource(f);
  const scanInProcess = (f) => {
    const r = unifit.scanFile(f, db, surfaces, { rules });
    if ("code" in r) fail(`scanFile refused ${f}: ${r.message}`);
  };
  const cliTool = {
    label: "unifit scan (CLI)",
    cmd: process.execPath,
    args: (paths) => [cli, "scan", ...paths, "--format", "json", "-o", "/dev/null", "--fail-on", "none"],
    ok: (status) => status === 0,
  };

  // (c) the whole-tree analysis of one tree (redis): every file parsed and analysed as one program (call graph,
  // wrapper summaries, reachability, sites rated for every target, rules), against tree-sitter's parse of the same
  // files.
  const treeFiles = files.filter((f) => f.startsWith(path.join(srcRoot, "redis") + path.sep));
  const treeInfo = size(treeFiles);
  // The form the CLI runs: scanSourceProgramAsync yields after each file (see settle above).
  const wholeTree = async () => {
    await settle();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const out = (await unifit.scanSourceProgramAsync(treeFiles, db, surfaces, { rules })).reports;
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    if (out.size !== treeFiles.length) fail(`scanSourceProgramAsync returned ${out.size} of ${treeFiles.length} files`);
    return { wallS: round(wallS), cpuS: round((c.user + c.system) / 1e6) };
  };

  const modes = {
    parse: { label: "tree-sitter parse", info: corpusInfo, run: () => timed(files, parseOnly) },
    treeParse: { label: "parse: redis", info: treeInfo, run: () => timed(treeFiles, parseOnly) },
    tree: { label: "whole tree: redis", info: treeInfo, run: wholeTree },
    extract: { label: "unifit parseSource", info: corpusInfo, run: () => timed(files, extractOnly) },
    scan: { label: "unifit scanFile", info: corpusInfo, run: () => timed(files, scanInProcess) },
    cli: {
      label: "unifit scan (CLI)",
      info: cliInfo,
      run: () => {
        const r = runOnce(cliTool, cliTool.args(dirs));
        return { wallS: round(r.wallS), cpuS: r.cpuS === null ? null : round(r.cpuS), peakRssKB: r.peakRssKB };
      },
    },
  };
  // Warm-up, not timed: loads the grammars and lets the JIT compile the in-process paths.
  const warm = files.slice(0, 50);
  for (const f of warm) { parseOnly(f); extractOnly(f); scanInProcess(f); }

  const names = Object.keys(modes);
  const res = Object.fromEntries(names.map((n) => [n, { runs: [] }]));
  for (let run = 0; run < opts.runs; run++) {
    // Rotate which mode goes first, so that drift in the machine falls on all of them.
    const order = names.map((_, i) => names[(i + run) % names.length]);
    for (const n of order) {
      const r = await modes[n].run();
      res[n].runs.push(r);
      process.stderr.write(`  run ${run + 1}/${opts.runs} source ${modes[n].label}: ${r.wallS.toFixed(2)} s\n`);
    }
  }
  for (const n of names) {
    const m = res[n];
    const { files: nf, bytes, lines } = modes[n].info;
    m.files = nf;
    m.medianS = round(median(m.runs.map((r) => r.wallS)));
    m.medianCpuS = m.runs.every((r) => r.cpuS !== null) ? round(median(m.runs.map((r) => r.cpuS))) : null;
    m.linesPerS = Math.round(lines / m.medianS);
    m.mbPerS = round(mb(bytes) / m.medianS, 2);
  }
  // Overhead: unifit / parse-only, in time per byte (the CLI reads a few more files than the others), from the
  // median wall times and, less sensitive to other load on the machine, from the median CPU times.
  const ratioOf = (n, key) => {
    const a = res[n][key];
    const base = n === "tree" ? "treeParse" : "parse";
    const b = res[base][key];
    return a === null || b === null ? null : round((a / modes[n].info.bytes) / (b / modes[base].info.bytes), 2);
  };
  const overhead = {
    wall: { extract: ratioOf("extract", "medianS"), scan: ratioOf("scan", "medianS"), cli: ratioOf("cli", "medianS"), tree: ratioOf("tree", "medianS") },
    cpu: { extract: ratioOf("extract", "medianCpuS"), scan: ratioOf("scan", "medianCpuS"), cli: ratioOf("cli", "medianCpuS"), tree: ratioOf("tree", "medianCpuS") },
    goal: 1.5, // for scan: in-process extraction + rule matching against parsing alone
  };

  const fmt = (x) => (x === null ? "n/a" : x.toFixed(2));
  console.log(`\n${"source".padEnd(20)} ${pad("median s", 9)} ${pad("CPU s", 7)} ${pad("lines/s", 10)} ${pad("MB/s", 7)}` +
    ` ${pad("×parse", 7)} ${pad("×parse CPU", 10)}  runs (s)`);
  for (const n of names) {
    const m = res[n];
    const [w, c] = n === "parse" || n === "treeParse" ? [1, 1] : [overhead.wall[n], overhead.cpu[n]];
    console.log(`${modes[n].label.padEnd(20)} ${pad(m.medianS.toFixed(2), 9)} ${pad(fmt(m.medianCpuS), 7)} ${pad(m.linesPerS, 10)}` +
      ` ${pad(m.mbPerS.toFixed(2), 7)} ${pad(fmt(w), 7)} ${pad(fmt(c), 10)}  ${m.runs.map((r) => r.wallS.toFixed(2)).join(" ")}`);
  }
  const verdict = overhead.wall.scan <= overhead.goal ? "within" : "over";
  console.log(`source: unifit in-process (extraction + rules + rating) takes ${fmt(overhead.wall.scan)}× tree-sitter's parse time` +
    ` (${fmt(overhead.cpu.scan)}× in CPU time; ${verdict} the ${overhead.goal}× goal); the CLI, start-up and JSON report` +
    ` included, ${fmt(overhead.wall.cli)}×`);
  console.log(`source: the whole-tree analysis of redis (call graph included) takes ${fmt(overhead.wall.tree)}× tree-sitter's parse` +
    ` time of the same files (${fmt(overhead.cpu.tree)}× in CPU time; ${overhead.wall.tree !== null && overhead.wall.tree <= overhead.goal ? "within" : "over"} the ${overhead.goal}× goal)`);

  return {
    packages: versions,
    corpus: corpusInfo,
    cliCorpus: cliInfo,
    chunkChars: CHUNK,
    modes: res,
    overhead,
  };
}

// ---- arguments: how many socket/mmap/ioctl/fcntl/prctl call sites have their deciding argument resolved ----
let argumentShare = null;
if (opts.binary && opts.arguments) {
  const { measureArguments, printArguments } = await import(pathToFileURL(path.join(root, "bench/arguments.mjs")).href);
  // Also the servers bench/corpus.sh builds from source and leaves unstripped (not part of the timed corpus).
  const serversDir = path.join(root, ".cache/bench-servers");
  const servers = existsSync(serversDir) && !opts.quick ? readdirSync(serversDir).filter((d) => !d.endsWith(".tmp")).sort().flatMap((d) => elfFiles(path.join(serversDir, d)).sort()) : [];
  argumentShare = await measureArguments([...corpus, ...servers]);
  printArguments(argumentShare);
}

const source = opts.source ? await measureSource() : null;
if (cases.length === 0 && source === null) {
  console.log("nothing was measured; no record written");
  process.exit(0);
}

// ---- record ----
const firstLine = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd });
  return r.status === 0 ? r.stdout.split("\n")[0].trim() : "unknown";
};
const now = new Date();
const record = {
  date: now.toISOString(),
  commit: firstLine("git", ["rev-parse", "HEAD"], root),
  machine: {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    objdump: firstLine("objdump", ["--version"]),
  },
  options: { runs: opts.runs, quick: opts.quick, node: opts.node, binary: opts.binary, source: opts.source, batch: opts.batch > 0 ? opts.batch : "all files in one process", cache: { unifit: "libraries analysed within each pass (fresh cache, database and rules seeded)", warm: "libraries analysed before the runs" }, peakRss: hasTime ? "GNU time %M, largest process" : null },
  corpus: opts.binary ? { files: corpus.length, bytes: cases[0].bytes, roots: ["/usr/bin", "/usr/sbin", ".cache/bench"], debs } : null,
  unifit: opts.binary ? { refusedCount: refused.length, refused } : null,
  cases: results,
  arguments: argumentShare,
  source,
};
const file = path.join(root, "bench/results", `${now.toISOString().slice(0, 10)}.jsonl`);
appendFileSync(file, JSON.stringify(record) + "\n");
console.log(`\nrecorded in ${path.relative(root, file)}`);

