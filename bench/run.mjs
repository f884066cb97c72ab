#!/usr/bin/env node
// bench/run.mjs: how fast `unifit scan` is, against `objdump -d` on the same files in the same run.
//
// Cases: "corpus" is every regular ELF file (by magic; symlinks skipped) under /usr/bin, /usr/sbin and the Debian
// packages that bench/corpus.sh unpacks into .cache/bench/; "node" is /usr/bin/node alone (~95 MB). Each tool runs
// over a case in batches of BATCH files per process, one process after the other, output sent to /dev/null. Every
// file is read once first so that the page cache is warm for both tools. Each case is then measured --runs times,
// peer and unifit alternating (swapping which goes first each run): wall time per full pass, and peak RSS of the
// largest process (GNU time's %M). The files unifit refuses (exit 2) are counted in its first pass from the one
// stderr line it prints per report error. Prints a table of medians and the ratio objdump/unifit, and appends one
// JSON record to bench/results/<YYYY-MM-DD>.jsonl. Options: --runs N (3), --quick (first 200 files, 1 run),
// --no-node (skip the node case). Never used in tests: timings belong here, not in assertions.

import { spawnSync } from "node:child_process";
import { appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist/src/cli/main.js");
const TIME = "/usr/bin/time";
const BATCH = 50;
const QUICK_FILES = 200;
const NODE_BINARY = "/usr/bin/node";

// ---- options ----
const argv = process.argv.slice(2);
const opts = { runs: 3, quick: false, node: true };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--quick") opts.quick = true;
  else if (a === "--no-node") opts.node = false;
  else if (a === "--runs" || a.startsWith("--runs=")) {
    const v = a.includes("=") ? a.slice(7) : argv[++i];
    opts.runs = Number(v);
    if (!Number.isInteger(opts.runs) || opts.runs < 1) fail(`--runs needs a positive integer, not "${v}"`);
  } else fail(`unknown option "${a}" (options: --runs N, --quick, --no-node)`);
}
if (opts.quick && !argv.some((a) => a.startsWith("--runs"))) opts.runs = 1;

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
let corpus = roots.flatMap((r) => elfFiles(r).sort());
if (opts.quick) corpus = corpus.slice(0, QUICK_FILES);
const sizeOf = (files) => files.reduce((n, f) => n + statSync(f).size, 0);
const cases = [{ name: "corpus", files: corpus, bytes: sizeOf(corpus) }];
if (opts.node && existsSync(NODE_BINARY)) cases.push({ name: "node", files: [NODE_BINARY], bytes: sizeOf([NODE_BINARY]) });
else if (opts.node) console.error(`bench: ${NODE_BINARY} not found, skipping the node case`);

if (!existsSync(cli)) fail(`${path.relative(root, cli)} is missing: run \`npm run build\` first`);
const mb = (bytes) => bytes / 1e6;
console.log(`corpus: ${corpus.length} ELF files, ${mb(cases[0].bytes).toFixed(1)} MB` +
  ` (/usr/bin, /usr/sbin, ${packages.length} packages in .cache/bench)${opts.quick ? " [quick]" : ""}`);
if (packages.length === 0) console.log("bench: .cache/bench is empty; run bash bench/corpus.sh for the Debian packages");

// ---- running ----
const hasTime = existsSync(TIME);
const tmp = mkdtempSync(path.join(os.tmpdir(), "unifit-bench-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));

const tools = {
  objdump: { label: "objdump -d", cmd: "objdump", args: (files) => ["-d", ...files], ok: () => true },
  unifit: {
    label: "unifit scan",
    cmd: process.execPath,
    args: (files) => [cli, "scan", ...files, "--format", "json", "-o", "/dev/null", "--fail-on", "none"],
    ok: (status) => status === 0 || status === 2, // 2: some file was refused, which is part of the result
  },
};

/** Runs cmd once under GNU time when present; returns wall seconds, peak RSS (KB) and CPU seconds of that process. */
function runOnce(tool, args) {
  const timeOut = path.join(tmp, "time.txt");
  const [cmd, full] = hasTime ? [TIME, ["-f", "%M %U %S", "-o", timeOut, tool.cmd, ...args]] : [tool.cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, full, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 30 });
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

const batches = (files) => Array.from({ length: Math.ceil(files.length / BATCH) }, (_, i) => files.slice(i * BATCH, (i + 1) * BATCH));

/** One full pass of a tool over a case: its batches in sequence. unifit's refusals are added to `refused`. */
function pass(tool, files, refused) {
  const t0 = process.hrtime.bigint();
  let peakRssKB = null;
  let cpuS = 0;
  for (const b of batches(files)) {
    const r = runOnce(tool, tool.args(b));
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

// Warm-up: read every file once, so that neither tool pays for a cold disk in the first run.
for (const c of cases) for (const f of c.files) readFileSync(f);

const refused = [];
const results = {};
for (const c of cases) results[c.name] = { files: c.files.length, bytes: c.bytes, objdump: { runs: [] }, unifit: { runs: [] } };
for (let run = 0; run < opts.runs; run++) {
  const order = run % 2 === 0 ? ["objdump", "unifit"] : ["unifit", "objdump"];
  for (const c of cases) {
    for (const t of order) {
      const r = pass(tools[t], c.files, run === 0 && t === "unifit" && c.name === "corpus" ? refused : undefined);
      results[c.name][t].runs.push(r);
      process.stderr.write(`  run ${run + 1}/${opts.runs} ${c.name} ${tools[t].label}: ${r.wallS.toFixed(2)} s\n`);
    }
  }
}

// ---- summary ----
console.log(`unifit refused ${refused.length} of ${corpus.length} corpus files (exit 2 on their batches)`);
for (const r of refused.slice(0, 10)) console.log(`  ${r.path}: ${r.message}`);
if (refused.length > 10) console.log(`  … and ${refused.length - 10} more (all in the JSON record)`);
for (const c of cases) {
  const res = results[c.name];
  for (const t of ["objdump", "unifit"]) {
    const m = res[t];
    m.medianS = round(median(m.runs.map((r) => r.wallS)));
    m.filesPerS = round(c.files.length / m.medianS, 1);
    m.mbPerS = round(mb(c.bytes) / m.medianS, 2);
    m.peakRssKB = hasTime ? Math.max(...m.runs.map((r) => r.peakRssKB)) : null;
  }
  res.ratio = round(res.objdump.medianS / res.unifit.medianS, 2); // > 1: unifit is faster
}

const pad = (s, n) => String(s).padStart(n);
console.log(`\n${"case".padEnd(8)} ${"tool".padEnd(12)} ${pad("median s", 9)} ${pad("files/s", 9)} ${pad("MB/s", 8)} ${pad("peak RSS MB", 12)}  runs (s)`);
for (const c of cases) {
  for (const t of ["objdump", "unifit"]) {
    const m = results[c.name][t];
    const rss = m.peakRssKB === null ? "n/a" : (m.peakRssKB / 1024).toFixed(1);
    console.log(`${c.name.padEnd(8)} ${tools[t].label.padEnd(12)} ${pad(m.medianS.toFixed(2), 9)} ${pad(m.filesPerS.toFixed(1), 9)}` +
      ` ${pad(m.mbPerS.toFixed(1), 8)} ${pad(rss, 12)}  ${m.runs.map((r) => r.wallS.toFixed(2)).join(" ")}`);
  }
}
console.log("");
for (const c of cases) {
  const r = results[c.name].ratio;
  const text = r >= 1 ? `${r.toFixed(1)}× faster than` : `${(1 / r).toFixed(1)}× slower than`;
  console.log(`${c.name}: unifit is ${text} objdump -d (median of ${opts.runs} run${opts.runs > 1 ? "s" : ""}, ${c.files.length} file${c.files.length > 1 ? "s" : ""}, ${mb(c.bytes).toFixed(1)} MB)`);
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
  options: { runs: opts.runs, quick: opts.quick, node: opts.node, batch: BATCH, peakRss: hasTime ? "GNU time %M, largest process" : null },
  corpus: { files: corpus.length, bytes: cases[0].bytes, roots: ["/usr/bin", "/usr/sbin", ".cache/bench"], debs },
  unifit: { refusedCount: refused.length, refused },
  cases: results,
};
const file = path.join(root, "bench/results", `${now.toISOString().slice(0, 10)}.jsonl`);
appendFileSync(file, JSON.stringify(record) + "\n");
console.log(`\nrecorded in ${path.relative(root, file)}`);
