// @fileoverview parseSource on real C trees: every .c/.h file of the Debian 12 sources of nginx, redis, lighttpd and
// memcached (unpacked into .cache/src/<pkg> by test/setup/sources.sh) is parsed, and the call sites of the process-model
// functions it reports must be exactly the hand-reviewed list in fixtures/source-trees/call-sites.tsv (see that
// folder's README.md for how the list was made). Skips a package whose tree is absent.

import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { PROCESS_MODEL } from "../../src/analyze/source-tree.js";
import { linuxMacros, notBuilt } from "../../src/source/conditions.js";
import { parseSource } from "../../src/source/index.js";
import { CACHE, fixture } from "../helpers/paths.js";

const PACKAGES = ["nginx", "redis", "lighttpd", "memcached"] as const;
/** The versions the fixture was reviewed on (test/setup/sources.sh pins the same). */
const REVIEWED: Record<(typeof PACKAGES)[number], string> = {
  nginx: "1.22.1-9+deb12u9",
  redis: "5:7.0.15-1~deb12u10",
  lighttpd: "1.4.69-1",
  memcached: "1.6.18-1+deb12u1",
};
/** The process-model functions the lists cover (fork, exec*, setsid, wait*, kill, pipe, SysV IPC, identity, syscall, …). */
const CALLEES = PROCESS_MODEL;
const LINUX = linuxMacros();

/** "file:line callee" keys of one package in a fixture TSV whose first columns are package, file, line, name. */
function fixtureKeys(name: string, pkg: string): Set<string> {
  const rows = readFileSync(fixture("source-trees", name), "utf8").split("\n").slice(1).filter((l) => l !== "");
  return new Set(rows.map((l) => l.split("\t")).filter((c) => c[0] === pkg).map((c) => `${c[1]}:${c[2]} ${c[3]}`));
}

/** Every .c and .h file under dir, sorted; symlinks are not followed. */
function cFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) cFiles(p, out);
    else if (e.isFile() && /\.[ch]$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

describe("call sites in real C trees (Debian 12 sources)", () => {
  for (const pkg of PACKAGES) {
    const dir = join(CACHE, "src", pkg);
    const skip = existsSync(dir) ? false : `.cache/src/${pkg} is absent: run bash test/setup/sources.sh`;
    it(`${pkg}: parseSource finds exactly the reviewed call sites`, { skip }, (t) => {
      const dsc = join(dir, ".unifit-dsc");
      const version = existsSync(dsc) ? (/^Version: (.*)$/m.exec(readFileSync(dsc, "utf8"))?.[1] ?? "unknown") : "unknown";
      const expected = fixtureKeys("call-sites.tsv", pkg);
      const excluded = fixtureKeys("excluded.tsv", pkg).size;
      const found = new Set<string>();
      const files = cFiles(dir);
      let lines = 0;
      let warned = 0;
      for (const file of files) {
        const src = parseSource(file);
        lines += src.lines;
        if (src.warnings.length > 0) warned++;
        for (const f of src.facts) {
          // Calls in #if 0 blocks are dead code, excluded in the lists.
          if (f.kind === "call" && CALLEES.has(f.callee) && notBuilt(f.conditions, LINUX)?.kind !== "dead") found.add(`${relative(dir, file)}:${f.location.line} ${f.callee}`);
        }
      }
      const missing = [...expected].filter((k) => !found.has(k));
      const extra = [...found].filter((k) => !expected.has(k));
      t.diagnostic(
        `${pkg} ${version}: ${files.length} files, ${lines} lines (${warned} with parse warnings); ${expected.size} reviewed call sites, ` +
          `${excluded} grep hits excluded; parseSource found ${found.size}, missing ${missing.length}, extra ${extra.length}`,
      );
      assert.ok(
        missing.length === 0 && extra.length === 0,
        `${pkg}: call sites differ from fixtures/source-trees/call-sites.tsv\n` +
          (version === REVIEWED[pkg] ? "" : `  (the tree is ${version}; the fixture was reviewed on ${REVIEWED[pkg]})\n`) +
          `  missing (in the fixture, not found): ${missing.join(", ") || "none"}\n` +
          `  extra (found, not in the fixture): ${extra.join(", ") || "none"}`,
      );
    });
  }
});
