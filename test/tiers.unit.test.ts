// @fileoverview The unit tier (files named *.unit.test.ts, run by `npm run test:unit`) needs no gcc, strace, apt,
// network or .cache: this test reads every unit test's source and fails when one reaches for those, so that a test
// needing a compiler cannot slip into the tier (where, on a machine without gcc, it would fail or skip).

import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { ROOT } from "./helpers/paths.js";

/** What a unit test may not use, each with why: helpers that compile, trace or fetch, and the tools themselves. */
const FORBIDDEN: readonly [RegExp, string][] = [
  [/helpers\/(compile|strace|programs|image|net)\.js/, "a helper that compiles, traces or serves"],
  [/\bdebianBinary\b|\bCACHE\b|\.cache\//, "the Debian packages and builds in .cache"],
  [/\bcompile(Go)?\(/, "a compiler"],
  [/(spawn|exec|execFile)(Sync)?\(\s*["'](gcc|cc|g\+\+|musl-gcc|clang|strace|go|qemu-aarch64|chromium|readelf|objdump|apt-get)["']/, "an external tool"],
  [/["']\/usr\/(bin|lib|sbin)\//, "the host's binaries, which differ between machines"],
  [/\bfetch\(|node:https?["']/, "the network"],
];

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : e.name.endsWith(".test.ts") ? [p] : [];
  });
}

describe("test tiers", () => {
  const all = testFiles(join(ROOT, "test")).map((p) => relative(ROOT, p)).sort();
  const unit = all.filter((p) => p.endsWith(".unit.test.ts"));

  it("the unit tier holds the fast tests, and the golden reports of the bundled sample are among them", () => {
    assert.ok(unit.length >= 10, `only ${unit.length} unit test files`);
    assert.ok(unit.includes("test/report/golden.unit.test.ts"));
    assert.ok(unit.length < all.length, "the full suite has tests beyond the unit tier");
  });

  it("no unit test compiles, traces, reads .cache or the host's binaries, or uses the network", () => {
    const found: string[] = [];
    for (const file of unit) {
      if (file === "test/tiers.unit.test.ts") continue; // this file names what it forbids
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (line.trimStart().startsWith("//")) return;
          for (const [re, why] of FORBIDDEN) if (re.test(line)) found.push(`${file}:${i + 1}: ${why}: ${line.trim()}`);
        });
    }
    assert.deepEqual(found, [], "move these files to the full tier (rename to *.test.ts) or drop the dependency");
  });
});
