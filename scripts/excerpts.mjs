#!/usr/bin/env node
// Records, for a handful of syscall-db rows, the upstream line that carries a given name inside the range the row
// cites (line numbers and names only, no code), into fixtures/upstream-excerpts/excerpts.tsv. Needs local git
// snapshots of the upstream repositories: node scripts/excerpts.mjs <dir with owner+name/repo git dirs>
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

const root = resolve(new URL("..", import.meta.url).pathname);
const mirrors = process.argv[2];
if (mirrors === undefined) {
  console.error("usage: node scripts/excerpts.mjs <dir holding owner+name/repo git snapshots>");
  process.exit(2);
}
// target, syscall, a name that the cited lines must contain
const CHECKS = [
  ["nanos", "clone", "CLONE_THREAD"], ["nanos", "fork", "ENOSYS"], ["nanos", "wait4", "wait4"], ["nanos", "setuid", "setuid"],
  ["nanos", "kill", "ESRCH"], ["osv", "clone", "CLONE_THREAD"], ["osv", "fork", "ENOSYS"], ["osv", "shmget", "shmget"],
  ["unikraft", "clone", "clone"], ["unikraft", "execve", "execve"], ["unikraft", "wait4", "wait4"], ["unikraft", "setuid", "setuid"],
  ["unikraft", "fork", "ENOSYS"], ["gvisor", "fork", "fork"], ["gvisor", "execve", "execve"], ["gvisor", "clone", "clone"],
  ["gvisor", "ptrace", "ptrace"], ["gvisor", "shmget", "shmget"],
];
const rows = ["target\tsyscall\trepo\tcommit\tpath\tline\tname"];
let bad = 0;
for (const [target, syscall, name] of CHECKS) {
  const doc = parse(readFileSync(join(root, "syscall-db", "targets", `${target}.yaml`), "utf8"));
  const row = doc.syscalls[syscall];
  const repo = row.repo ?? doc.upstream.repo;
  const commit = row.commit ?? doc.upstream.commit;
  const [path, range] = row.at.split(":");
  const [from, to = from] = range.split("-").map(Number);
  const gitDir = join(mirrors, repo.replace("/", "+"), "repo");
  const text = execFileSync("git", ["--git-dir", gitDir, "show", `${commit}:${path}`], { encoding: "utf8", maxBuffer: 64 << 20 });
  const lines = text.split("\n");
  let found = -1;
  for (let l = from; l <= to && found < 0; l++) if ((lines[l - 1] ?? "").toLowerCase().includes(name.toLowerCase())) found = l;
  if (found < 0) {
    console.error(`${target} ${syscall}: "${name}" not in ${path}:${range} at ${commit.slice(0, 12)}`);
    bad++;
    continue;
  }
  rows.push([target, syscall, repo, commit, path, found, name].join("\t"));
}
writeFileSync(join(root, "fixtures", "upstream-excerpts", "excerpts.tsv"), rows.join("\n") + "\n");
console.log(`${rows.length - 1} excerpts written, ${bad} not found`);
process.exit(bad > 0 ? 1 : 0);
