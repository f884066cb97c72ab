#!/usr/bin/env node
// bench/image.mjs: a container image of at least 300 MB, scanned cold and warm.
//
// The image is built once into .cache/bench-image/ from this machine's Debian-installed files, as `docker save`
// writes it (uncompressed layers, manifest last): layer 1 holds the shared libraries that /usr/bin and /usr/sbin
// load (DT_NEEDED, transitively, found in /usr/lib/x86_64-linux-gnu, links kept) and ld.so.conf; layer 2 holds
// every ELF file of /usr/bin and /usr/sbin but /usr/bin/node and the LTO dumpers (the three largest files, which
// only make a run longer), with a whiteout of one library of layer 1. Entrypoint: /usr/bin/bash -c "exec git …".
//
// Cold: `unifit scan image.tar` with a fresh cache directory holding only the parsed database and rules (as any
// installed unifit has them after its first run), so every file and library is analysed. Warm: the same command
// again on that cache. Both as separate processes under GNU time (wall time, CPU time, peak RSS). Prints both, the
// ratio, and appends one JSON record to bench/results/<YYYY-MM-DD>.jsonl. --runs N: warm runs (median; default 3).
// --jobs N[,M...]: worker threads (`-j`), each value cold and warm with a cache of its own, in this one run (so that
// their ratio is taken under the same load); default: unifit's own default.

import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist/src/cli/main.js");
const TIME = "/usr/bin/time";
const dir = path.join(root, ".cache", "bench-image");
const image = path.join(dir, "image.tar");
const LIBDIR = "usr/lib/x86_64-linux-gnu";

const argv = process.argv.slice(2);
let runs = 3;
let jobsList = [undefined];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--runs") runs = Number(argv[++i]);
  else if (argv[i]?.startsWith("--runs=")) runs = Number(argv[i].slice(7));
  else if (argv[i] === "--jobs") jobsList = String(argv[++i]).split(",").map(Number);
  else if (argv[i]?.startsWith("--jobs=")) jobsList = argv[i].slice(7).split(",").map(Number);
  else fail(`unknown option "${argv[i]}" (options: --runs N, --jobs N[,M...])`);
}
if (!Number.isInteger(runs) || runs < 1) fail("--runs needs a positive integer");
if (jobsList.some((j) => j !== undefined && (!Number.isInteger(j) || j < 1))) fail("--jobs needs positive integers");

function fail(msg) {
  process.stderr.write(`bench/image: ${msg}\n`);
  process.exit(2);
}

const isElf = (p) => {
  try {
    const b = readFileSync(p).subarray(0, 4);
    return b.length === 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
  } catch {
    return false;
  }
};

const needed = (p) => {
  const r = spawnSync("readelf", ["-d", "-W", p], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return [...(r.stdout ?? "").matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
};

function buildImage() {
  if (existsSync(image)) return;
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(path.join(dir, "build-"));
  process.stderr.write("bench/image: building the image (once)\n");
  const bins = [];
  for (const d of ["usr/bin", "usr/sbin"]) {
    for (const n of readdirSync(`/${d}`).sort()) {
      const p = `/${d}/${n}`;
      if (n === "node" || n.includes("lto-dump")) continue;
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isFile() && isElf(p) && spawnSync("test", ["-L", p]).status !== 0) bins.push(`${d}/${n}`);
    }
  }
  // The libraries they load, transitively, with the links that name them.
  const libs = new Set();
  const queue = bins.flatMap((b) => needed(`/${b}`));
  const seen = new Set();
  while (queue.length > 0) {
    const name = queue.shift();
    if (seen.has(name)) continue;
    seen.add(name);
    const p = `/${LIBDIR}/${name}`;
    if (!existsSync(p)) continue;
    libs.add(`${LIBDIR}/${name}`);
    const real = path.relative("/", execFileSync("readlink", ["-f", p], { encoding: "utf8" }).trim());
    libs.add(real.startsWith("lib/") ? `usr/${real}` : real);
    queue.push(...needed(p));
  }
  const tarLayer = (id, files) => {
    mkdirSync(path.join(work, id));
    writeFileSync(path.join(work, `${id}.list`), files.join("\n") + "\n");
    execFileSync("tar", ["-C", "/", "--no-recursion", "--owner=0", "--group=0", "-cf", path.join(work, id, "layer.tar"), "-T", path.join(work, `${id}.list`)]);
  };
  const etc = ["etc/ld.so.conf", ...readdirSync("/etc/ld.so.conf.d").map((n) => `etc/ld.so.conf.d/${n}`)];
  tarLayer("layer1", ["usr", "usr/lib", LIBDIR, ...[...libs].sort(), "etc", "etc/ld.so.conf.d", ...etc]);
  // Layer 2: the programs, and a whiteout of one library the programs do not load from layer 1 (libgomp if present).
  mkdirSync(path.join(work, "wh", LIBDIR), { recursive: true });
  const victim = [...libs].find((l) => /libgomp/.test(l));
  if (victim !== undefined) writeFileSync(path.join(work, "wh", path.dirname(victim), `.wh.${path.basename(victim)}`), "");
  mkdirSync(path.join(work, "layer2"));
  writeFileSync(path.join(work, "layer2.list"), ["usr/bin", "usr/sbin", ...bins].join("\n") + "\n");
  execFileSync("tar", ["-C", "/", "--no-recursion", "--owner=0", "--group=0", "-cf", path.join(work, "layer2", "layer.tar"), "-T", path.join(work, "layer2.list")]);
  if (victim !== undefined) execFileSync("tar", ["-C", path.join(work, "wh"), "--owner=0", "--group=0", "-rf", path.join(work, "layer2", "layer.tar"), "."]);
  const config = JSON.stringify({
    architecture: "amd64",
    os: "linux",
    config: { Entrypoint: ["/usr/bin/bash", "-c", "exec /usr/bin/git daemon --base-path=/srv"], Env: ["PATH=/usr/sbin:/usr/bin"], WorkingDir: "/srv" },
  });
  const cfgName = `${createHash("sha256").update(config).digest("hex")}.json`;
  writeFileSync(path.join(work, cfgName), config);
  writeFileSync(path.join(work, "manifest.json"), JSON.stringify([{ Config: cfgName, RepoTags: ["unifit/bench:1"], Layers: ["layer1/layer.tar", "layer2/layer.tar"] }]));
  execFileSync("tar", ["-C", work, "-cf", `${image}.tmp`, "layer1", "layer2", cfgName, "manifest.json"]);
  renameSync(`${image}.tmp`, image);
  rmSync(work, { recursive: true, force: true });
}

/** One scan as its own process under GNU time: wall and CPU seconds, peak RSS in MB, the report's figures. */
function scan(cache, jobs) {
  const out = path.join(os.tmpdir(), `unifit-bench-image-${process.pid}.json`);
  const j = jobs === undefined ? [] : ["-j", String(jobs)];
  const r = spawnSync(TIME, ["-f", "%e %U %S %M", process.execPath, cli, "scan", image, "--target", "all", "--format", "json", "-o", out, "--fail-on", "none", "--quiet", ...j], {
    encoding: "utf8",
    env: { ...process.env, UNIFIT_CACHE_DIR: cache },
    maxBuffer: 64 * 1024 * 1024,
  });
  const m = /(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)\s*$/.exec(r.stderr ?? "");
  if (m === null || (r.status !== 0 && r.status !== 2)) fail(`scan failed (${r.status}): ${(r.stderr ?? "").slice(-2000)}`);
  // The report is hundreds of megabytes (every file, every target): only its tail (errors, summary, images) is read.
  const text = readFileSync(out, "latin1");
  const at = text.lastIndexOf('],"errors":');
  const report = JSON.parse(`{${Buffer.from(text.slice(at + 2), "latin1").toString("utf8")}`);
  const reportMB = Number((text.length / 1e6).toFixed(1));
  rmSync(out, { force: true });
  const cpu = Number((Number(m[2]) + Number(m[3])).toFixed(1));
  return { seconds: Number(m[1]), cpuSeconds: cpu, rssMB: Math.round(Number(m[4]) / 1024), files: report.summary.files, errors: report.errors.length, image: report.images?.[0], reportMB };
}

buildImage();
const imageMB = statSync(image).size / 1e6;
if (imageMB < 300) fail(`the image is ${imageMB.toFixed(0)} MB, under 300 MB`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const jobs of jobsList) {
  const cache = mkdtempSync(path.join(os.tmpdir(), "unifit-bench-image-cache-"));
  try {
    // The parsed database and rules, as any installed unifit has them after its first run.
    spawnSync(process.execPath, [cli, "explain", "fork-then-exec"], { env: { ...process.env, UNIFIT_CACHE_DIR: cache } });
    const cold = scan(cache, jobs);
    const warm = [];
    for (let i = 0; i < runs; i++) warm.push(scan(cache, jobs));
    const warmSeconds = median(warm.map((w) => w.seconds));
    const record = {
      date: new Date().toISOString(),
      bench: "image",
      commit: spawnSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).stdout?.trim() ?? "",
      machine: { cpus: os.availableParallelism(), node: process.version, load1: Number(os.loadavg()[0].toFixed(1)) },
      jobs: jobs ?? "default",
      image: { MB: Number(imageMB.toFixed(1)), elfFiles: cold.image?.elfFiles, files: cold.files, errors: cold.errors, layers: cold.image?.layers, reportMB: cold.reportMB },
      cold: { seconds: cold.seconds, cpuSeconds: cold.cpuSeconds, peakRssMB: cold.rssMB },
      warm: { seconds: warmSeconds, runs: warm.map((w) => w.seconds), cpuSeconds: median(warm.map((w) => w.cpuSeconds)), peakRssMB: Math.max(...warm.map((w) => w.rssMB)) },
      ratio: Number((cold.seconds / warmSeconds).toFixed(1)),
    };
    process.stdout.write(
      `image ${record.image.MB} MB, ${record.image.elfFiles} ELF files (${record.image.errors} errors), -j ${record.jobs}, load ${record.machine.load1}\n` +
        `  cold  ${cold.seconds.toFixed(1)} s (CPU ${cold.cpuSeconds} s)  peak RSS ${cold.rssMB} MB\n` +
        `  warm  ${warmSeconds.toFixed(1)} s (CPU ${record.warm.cpuSeconds} s)  peak RSS ${record.warm.peakRssMB} MB  (median of ${runs})\n` +
        `  cold / warm  ${record.ratio}x\n`,
    );
    mkdirSync(path.join(root, "bench", "results"), { recursive: true });
    appendFileSync(path.join(root, "bench", "results", `${record.date.slice(0, 10)}.jsonl`), JSON.stringify(record) + "\n");
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
