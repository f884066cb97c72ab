// @fileoverview The text report's first screen, on real inputs: for Debian's nginx over the default targets, every
// blocking syscall of every target is named within the first 40 lines, under its target, with the top blocker's
// one-line fix; in a directory scan a file with no finding is counted, not printed.

import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { debianBinary, fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const nginx = debianBinary("nginx", "usr/sbin/nginx");

describe("text report: first screen", () => {
  it("nginx: every target's blocking syscalls are named on the first 40 lines", { skip: !existsSync(nginx) && "nginx not downloaded (test/setup/prepare.sh)" }, () => {
    const dir = mkdtempSync(join(tmpdir(), "unifit-first-"));
    try {
      const json = join(dir, "r.json");
      const r = runCli(["scan", nginx, "-f", "text", "-f", `json=${json}`]);
      assert.equal(r.code, 1, r.stderr);
      const report = JSON.parse(readFileSync(json, "utf8"));
      const lines = r.stdout.split("\n");
      const first = lines.slice(0, 40);
      let blockers = 0;
      for (const t of report.files[0].targets) {
        const at = first.findIndex((l) => new RegExp(`^ {2}${t.target} +`).test(l));
        assert.ok(at >= 0, `${t.target} has its line on the first screen`);
        // The target's block: its line and the indented lines after it, up to the next target.
        const end = first.findIndex((l, i) => i > at && /^ {2}\S/.test(l));
        const block = first.slice(at, end < 0 ? first.length : end).join("\n");
        const names = [...new Set(t.findings.filter((x: { severity: string }) => x.severity === "blocker").map((x: { syscall: string; mode?: string }) => (x.mode !== undefined ? `${x.syscall} (${x.mode})` : x.syscall)))] as string[];
        blockers += names.length;
        for (const n of names) assert.ok(block.includes(n), `${t.target}: ${n} is named on the first screen:\n${block}`);
        if (names.length > 0) assert.match(block, /top: \S.*: \S/, `${t.target} has a top blocker with its fix`);
      }
      assert.ok(blockers >= 20, `nginx has ${blockers} blockers over the default targets`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a directory scan counts a file with no finding instead of printing it", () => {
    const dir = mkdtempSync(join(tmpdir(), "unifit-quiet-"));
    try {
      writeFileSync(join(dir, "plain.c"), "int add(int a, int b) { return a + b; }\n");
      copyFileSync(fixture("sample", "prefork-server"), join(dir, "prefork-server"));
      const r = runCli(["scan", dir, "--no-libraries", "-t", "nanos"]);
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stdout, /^\S*plain\.c$/m);
      assert.match(r.stdout, /^\S*prefork-server$/m);
      assert.match(r.stdout, /^1 file with no finding not shown/m);
      assert.match(r.stdout, /^2 files scanned/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
