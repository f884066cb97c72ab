#!/usr/bin/env node
// Re-derives a target's syscall table from a local checkout of its upstream and prints how it differs from the
// committed syscall-db/targets/<target>.yaml: statuses and cited lines that moved, syscalls added or removed.
// Notes stay human-reviewed: the script reports, it does not rewrite. Supported: gvisor, nanos.
// Usage: node scripts/rederive.mjs <gvisor|nanos> <path to an upstream checkout>
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parse } from "yaml";

const root = resolve(new URL("..", import.meta.url).pathname);
const [target, checkout] = process.argv.slice(2);
if (target === undefined || checkout === undefined) {
  console.error("usage: node scripts/rederive.mjs <gvisor|nanos> <path to an upstream checkout>");
  process.exit(2);
}
const committed = parse(readFileSync(join(root, "syscall-db", "targets", `${target}.yaml`), "utf8"));
const table = parse(readFileSync(join(root, "syscall-db", "linux", "x86_64.yaml"), "utf8")).syscalls;
const byNr = new Map(table.map((r) => [r.nr, r.name]));

/** name → { status, at } as upstream shows it now; names missing from the result are absent. */
function derive() {
  const out = new Map();
  if (target === "gvisor") {
    const file = "pkg/sentry/syscalls/linux/linux64.go";
    const lines = readFileSync(join(checkout, file), "utf8").split("\n");
    const start = lines.findIndex((l) => /AMD64\s*=\s*&kernel\.SyscallTable/.test(l));
    for (let i = start; i >= 0 && i < lines.length; i++) {
      const m = /^\s*(\d+):\s*syscalls\.(\w+)\(/.exec(lines[i]);
      if (m !== null) {
        const name = byNr.get(Number(m[1]));
        const kind = m[2];
        const status = /^Supported/.test(kind) ? "full" : /^PartiallySupported/.test(kind) ? "partial" : /Error/.test(kind) ? "enosys" : "partial";
        if (name !== undefined) out.set(name, { status, at: `${file}:${i + 1}` });
      }
      if (i > start && /ARM64\s*=/.test(lines[i])) break;
    }
  } else if (target === "nanos") {
    const walk = (d) => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : n.endsWith(".c") ? [join(d, n)] : []));
    const dirs = ["src", "klib"].map((d) => join(checkout, d)).filter((d) => { try { return statSync(d).isDirectory(); } catch { return false; } });
    for (const f of dirs.flatMap(walk)) {
      readFileSync(f, "utf8").split("\n").forEach((l, i) => {
        const m = /register_syscall\(\s*\w+\s*,\s*(\w+)\s*,\s*([^;]*)/.exec(l);
        if (m === null) return;
        const status = /syscall_ignore/.test(m[2]) ? "stub" : "registered";
        out.set(m[1], { status, at: `${relative(checkout, f)}:${i + 1}` });
      });
    }
  } else {
    console.error(`no re-derivation for ${target} yet (gvisor, nanos)`);
    process.exit(2);
  }
  return out;
}

const now = derive();
let changes = 0;
const line = (at) => at.replace(/-\d+$/, "");
for (const name of Object.keys(committed.syscalls).sort()) {
  const row = committed.syscalls[name];
  const up = now.get(name);
  if (up === undefined) {
    if (row.status !== "absent" && row.repo === undefined) {
      console.log(`- ${name}: committed ${row.status} at ${row.at}; upstream no longer registers it`);
      changes++;
    }
    continue;
  }
  if (row.status === "absent") {
    console.log(`+ ${name}: upstream now registers it at ${up.at} (${up.status}); committed absent`);
    changes++;
    continue;
  }
  // nanos: "registered" says only that a handler exists; full/partial/stub stay the reviewer's call.
  // Upstream's own label vs ours: partial and stub are one class here (the split is the reviewer's call), and a
  // row may be stricter than the label after reading the handler (a documented deviation, e.g. gVisor's mount).
  const cls = (st) => (st === "stub" ? "partial" : st);
  const statusDiffers = up.status !== "registered" && cls(up.status) !== cls(row.status);
  if (statusDiffers || (line(row.at) !== up.at && row.at.split(":")[0] === up.at.split(":")[0] && target === "gvisor")) {
    console.log(`~ ${name}: committed ${row.status} at ${row.at}; upstream ${up.status} at ${up.at}`);
    changes++;
  }
}
console.log(`${changes} difference(s) between ${target}.yaml (${committed.upstream.commit?.slice(0, 12)}) and ${checkout}`);
