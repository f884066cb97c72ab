// @fileoverview Inputs that made the scan slow: one C function with 60,000 calls, generated at test time. Rule
// matching once scanned a function's other calls for every call it made (quadratic: minutes for this file); the
// bound here is the test's timeout, not a timing assertion.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "../helpers/run-cli.js";

const FORKS = 20_000;
const dir = mkdtempSync(join(tmpdir(), "unifit-many-calls-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** main() makes 60,000 calls: 20,000 forks, 39,998 calls to a function of the file, then setsid and exec. */
function generate(): string {
  const lines = ["#include <unistd.h>", "static int step(int i) { return i + 1; }", "int main(void) {", "  int n = 0;"];
  for (let i = 0; i < FORKS - 1; i++) lines.push("  if (fork() == 0) n = step(n);", "  n = step(n);");
  lines.push("  fork();", "  setsid();", '  execl("/bin/true", "true", (char *)0);', "  return n;", "}", "");
  return lines.join("\n");
}

describe("one function with 60,000 calls", () => {
  it("is scanned and every rule that holds is reported at every call", { timeout: 60_000 }, () => {
    const src = join(dir, "many-calls.c");
    writeFileSync(src, generate());
    const out = join(dir, "report.json");
    const r = runCli(["scan", src, "--target", "nanos", "--no-cache", "--format", "json", "-o", out]);
    assert.equal(r.stderr, "");
    assert.equal(r.code, 1, "fork and exec are blockers on nanos");
    const file = JSON.parse(readFileSync(out, "utf8").split("\n").find((l) => l.includes('"path"'))?.replace(/,$/, "") ?? "{}") as {
      rules: { ruleId: string; hits: { location: { line: number } }[] }[];
    };
    const lines = (id: string): number[] => file.rules.find((x) => x.ruleId === id)?.hits.map((h) => h.location.line) ?? [];
    // Every fork is followed by execl later in main (fork-then-exec) and main also calls setsid (daemonize-by-hand).
    const forkLines = Array.from({ length: FORKS }, (_, i) => 5 + 2 * i);
    assert.deepEqual(lines("fork-then-exec"), forkLines);
    assert.deepEqual(lines("daemonize-by-hand"), forkLines);
    assert.deepEqual(lines("prefork-pool"), [], "no fork is in a loop");
  });
});
