#!/usr/bin/env node
// bench/memory.mjs: peak memory of `unifit scan`, measured with GNU time (`/usr/bin/time -v`, "Maximum resident set
// size"), for the cases issue 15 bounds at 500 MB: a scan of /usr/bin in each format, written to a file, and the
// largest single file of /usr/bin alone. Each scan is its own process; every case starts from the same cache
// directory, filled by one untimed pass over /usr/bin first (the library analyses then come from the cache, as on
// any second run; --cold gives every case a fresh cache instead, so that each analyses its libraries too).
//
//   node bench/memory.mjs [--formats text,json|all] [--jobs default,2] [--cold] [--dir /usr/bin] [--cli path/to/main.js]
//
// --jobs: the worker threads of each directory scan (`-j`; "default" is unifit's own default, one worker per core but
// one on a directory this large: one worker on 2 cores); each format is scanned once per value. The bound is for the
// default; -j2 is measured beside it unless told otherwise (on 2 cores, what two workers cost; -j1 is a worker too,
// the default there).
// Prints one line per case (format, -j, peak RSS in MB, wall and CPU seconds, exit code) and appends one JSON record
// to bench/results/<YYYY-MM-DD>.jsonl. No case asserts anything: the figures are read, as the other benches'.

import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TIME = "/usr/bin/time";
const ALL = ["codequality", "html", "json", "junit", "markdown", "sarif", "text"];
/** The bound issue 15 sets. */
const BOUND_MB = 500;

const argv = process.argv.slice(2);
let formats = ["text", "json"];
let cold = false;
let dir = "/usr/bin";
let cli = path.join(root, "dist/src/cli/main.js");
/** -j values; undefined: unifit's default. */
let jobsList = [undefined, 2];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--formats") formats = argv[++i] === "all" ? ALL : argv[i].split(",");
  else if (a === "--cold") cold = true;
  else if (a === "--dir") dir = argv[++i];
  else if (a === "--cli") cli = path.resolve(argv[++i]);
  else if (a === "--jobs") jobsList = String(argv[++i]).split(",").map((j) => (j === "default" ? undefined : Number(j)));
  else fail(`unknown option "${a}" (options: --formats LIST|all, --jobs default|N[,...], --cold, --dir DIR, --cli FILE)`);
}
if (jobsList.some((j) => j !== undefined && (!Number.isInteger(j) || j < 1))) fail('--jobs needs "default" or positive integers');
for (const f of formats) if (!ALL.includes(f)) fail(`unknown format "${f}"`);

function fail(msg) {
  process.stderr.write(`bench/memory: ${msg}\n`);
  process.exit(2);
}

/** The largest regular file directly in the directory. */
function largest(d) {
  let best;
  for (const n of readdirSync(d)) {
    const p = path.join(d, n);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isFile() && (best === undefined || st.size > best.size)) best = { path: p, size: st.size };
  }
  return best;
}

const work = mkdtempSync(path.join(os.tmpdir(), "unifit-bench-memory-"));
const shared = path.join(work, "cache");

/** One scan under GNU time: peak RSS in MB, wall and CPU (user + system) seconds, exit code. */
function measure(args, cache) {
  const out = path.join(work, "out");
  const r = spawnSync(TIME, ["-v", process.execPath, cli, "scan", ...args, "-o", out, "--fail-on", "none", "--quiet", "--cache", cache], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  rmSync(out, { force: true });
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? "");
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr ?? "");
  if (kb === null || wall === null) fail(`no figures from ${TIME} -v: ${(r.stderr ?? "").slice(-500)}`);
  const secs = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  const cpu = ["User", "System"].reduce((t, k) => t + Number(new RegExp(`${k} time \\(seconds\\): ([\\d.]+)`).exec(r.stderr ?? "")?.[1] ?? NaN), 0);
  return { peakMB: Math.round(Number(kb[1]) / 1024), secs: Math.round(secs * 10) / 10, cpuS: Math.round(cpu * 10) / 10, exit: r.status };
}

const cacheFor = (name) => {
  if (!cold) return shared;
  const c = path.join(work, `cache-${name}`);
  mkdirSync(c, { recursive: true });
  return c;
};

try {
  if (!cold) {
    process.stderr.write(`bench/memory: filling the cache with one untimed pass over ${dir}\n`);
    measure([dir, "--format", "json"], shared);
  }
  const cases = [];
  for (const j of jobsList) {
    const jobs = j === undefined ? [] : ["-j", String(j)];
    const label = j === undefined ? "default -j" : `-j ${j}`;
    for (const f of formats) cases.push({ name: `${dir} -f ${f}, ${label}`, jobs: j ?? null, ...measure([dir, "--format", f, ...jobs], cacheFor(`${f}-${j ?? "d"}`)) });
  }
  const big = largest(dir);
  if (big !== undefined) cases.push({ name: `${big.path} (${Math.round(big.size / 1e6)} MB) -f text`, ...measure([big.path, "--format", "text"], cacheFor("one")) });
  const width = Math.max(...cases.map((c) => c.name.length));
  for (const c of cases) {
    process.stdout.write(`${c.name.padEnd(width)}  peak ${String(c.peakMB).padStart(5)} MB  ${c.peakMB <= BOUND_MB ? "(under" : "(OVER"} ${BOUND_MB} MB)  ${String(c.secs).padStart(6)} s  cpu ${String(c.cpuS).padStart(6)} s  exit ${c.exit}\n`);
  }
  const day = new Date().toISOString().slice(0, 10);
  mkdirSync(path.join(root, "bench", "results"), { recursive: true });
  appendFileSync(path.join(root, "bench", "results", `${day}.jsonl`), JSON.stringify({ bench: "memory", at: new Date().toISOString(), cold, node: process.version, cpus: os.availableParallelism(), cases }) + "\n");
} finally {
  rmSync(work, { recursive: true, force: true });
}
