// A/B of the whole-tree source analysis (issue 12) between two builds, in one process: tree-sitter's parse of
// redis's .c/.h files (the baseline, as bench/run.mjs does it), then scanSourceTree of build A and of build B over the
// same files, interleaved (the order reverses every pass), a full GC and two turns of the event loop before each and
// a turn after each file (as bench/run.mjs does, and for its reason: the binding frees trees only from the event
// loop); the builds run scanSourceProgramAsync, the form the CLI runs. On a busy machine two builds
// measured one after the other in separate runs differ by more than the change; interleaved in one process they
// share the load. Prints per mode the CPU ms of each pass and the medians of the process, of the main thread and of
// V8's other threads (optimizing compiler, GC helpers; from /proc/self/task, Linux only).
//
// Usage: node bench/source-ab.mjs DIR_A DIR_B [passes=6]   (each DIR a checkout with dist/ built; .cache/src from B)

import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";

const [dirA, dirB, passArg] = process.argv.slice(2);
if (dirA === undefined || dirB === undefined) {
  console.error("usage: node bench/source-ab.mjs DIR_A DIR_B [passes]");
  process.exit(2);
}
const passes = Number(passArg ?? 6);
v8.setFlagsFromString("--expose-gc");
const collectGarbage = vm.runInNewContext("gc");

function cFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) cFiles(p, out);
    else if (e.isFile() && /\.[ch]$/.test(e.name)) out.push(p);
  }
  return out.sort();
}
const files = cFiles(path.join(path.resolve(dirB), ".cache/src/redis"));

const requireB = createRequire(path.join(path.resolve(dirB), "package.json"));
const Parser = requireB("tree-sitter");
const parser = new Parser();
parser.setLanguage(requireB("tree-sitter-c"));
const utf8 = new TextDecoder("utf-8", { fatal: true });
const decode = (buf) => {
  try {
    return utf8.decode(buf);
  } catch {
    return buf.toString("latin1");
  }
};
const parseOnly = (f) => {
  const text = decode(readFileSync(f));
  parser.parse((i) => (i >= text.length ? "" : text.slice(i, i + 16384)));
};

async function load(dir) {
  const url = (p) => pathToFileURL(path.join(path.resolve(dir), p)).href;
  const u = { ...(await import(url("dist/src/index.js"))), ...(await import(url("dist/src/scan/scan.js"))) };
  const db = u.loadDatabase();
  const opts = { rules: u.loadRules(db) };
  const surfaces = u.selectTargets(db, ["all"]);
  return () => u.scanSourceProgramAsync(files, db, surfaces, opts);
}
const turn = () => new Promise((resolve) => setImmediate(resolve));
const parseAll = async () => {
  for (const f of files) {
    parseOnly(f);
    await turn();
  }
};
const modes = { parse: parseAll, A: await load(dirA), B: await load(dirB) };
// Warm-up, not timed.
await modes.parse();
await modes.A();
await modes.B();

/** CPU ms of the main thread and of all the others, from the kernel's per-thread counters. */
function threadCpu() {
  let main = 0;
  let other = 0;
  for (const t of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = (Number(f[11]) + Number(f[12])) * 10; // utime + stime, in clock ticks of 10 ms
      if (t === String(process.pid)) main += ms;
      else other += ms;
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return { main, other };
}

const results = { parse: [], A: [], B: [] };
for (let i = 0; i < passes; i++) {
  const order = i % 2 === 0 ? ["parse", "A", "B"] : ["B", "A", "parse"];
  for (const m of order) {
    // Twice: the first collection frees the trees' node objects, whose finalizers hold the trees.
    collectGarbage();
    await turn();
    collectGarbage();
    await turn();
    const t0 = threadCpu();
    const c0 = process.cpuUsage();
    await modes[m]();
    const c = process.cpuUsage(c0);
    const t1 = threadCpu();
    results[m].push({ cpu: (c.user + c.system) / 1000, main: t1.main - t0.main, other: t1.other - t0.other });
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const parseCpu = median(results.parse.map((r) => r.cpu));
for (const m of ["parse", "A", "B"]) {
  const r = results[m];
  const cpu = median(r.map((x) => x.cpu));
  console.log(
    `${m.padEnd(5)} CPU ms ${r.map((x) => x.cpu.toFixed(0)).join(" ")} | median ${cpu.toFixed(0)}, main thread ${median(r.map((x) => x.main)).toFixed(0)},` +
      ` other threads ${median(r.map((x) => x.other)).toFixed(0)}${m === "parse" ? "" : `, ×parse CPU ${(cpu / parseCpu).toFixed(2)}`}`,
  );
}
