// @fileoverview `unifit scan` on four real C trees (Debian 12 sources of nginx, redis, lighttpd and memcached,
// unpacked by test/setup/sources.sh), read from its JSON report: every hand-kept direct call of a process-model
// function (fixtures/source-trees/call-sites.tsv) is a site at its own line, no excluded grep hit (excluded.tsv:
// comments, strings, declarations, fields, #if 0) is one, and at least 90% of the reviewed call sites of the
// projects' own wrappers one and two levels up (wrapper-calls.tsv) are wrapper sites with their chain. Targets: all,
// so that every call is a finding somewhere (MirageOS has no POSIX surface). Skips a package whose tree is absent.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PROCESS_MODEL } from "../../src/analyze/source-tree.js";
import type { Report, SourceCallSite } from "../../src/types.js";
import { CACHE, fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const PACKAGES = ["nginx", "redis", "lighttpd", "memcached"] as const;

function rows(name: string, pkg: string): string[][] {
  return readFileSync(fixture("source-trees", name), "utf8").split("\n").slice(1).filter((l) => l !== "").map((l) => l.split("\t")).filter((c) => c[0] === pkg);
}

describe("unifit scan on real C trees: every call at its line, wrappers with their chain", () => {
  for (const pkg of PACKAGES) {
    const dir = join(CACHE, "src", pkg);
    const skip = existsSync(dir) ? false : `.cache/src/${pkg} is absent: run bash test/setup/sources.sh`;
    it(`${pkg}: kept calls reported, excluded hits not, wrapper calls with their chain`, { skip }, (t) => {
      const r = runCli(["scan", dir, "--target", "all", "--format", "json", "--fail-on", "none"]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      const sites = new Map<string, SourceCallSite[]>();
      for (const f of report.files) {
        const rel = f.path.slice(f.path.indexOf(`${pkg}/`) + pkg.length + 1);
        for (const s of f.sites ?? []) {
          const k = `${rel}:${s.line} ${s.callee}`;
          sites.set(k, [...(sites.get(k) ?? []), s]);
        }
      }
      const kept = rows("call-sites.tsv", pkg);
      const missing = kept.filter((c) => !(sites.get(`${c[1]}:${c[2]} ${c[3]}`) ?? []).some((s) => s.kind === "libc"));
      const excluded = rows("excluded.tsv", pkg);
      const reported = excluded.filter((c) => sites.has(`${c[1]}:${c[2]} ${c[3]}`));
      const wrappers = rows("wrapper-calls.tsv", pkg);
      const found = wrappers.filter((c) =>
        (sites.get(`${c[1]}:${c[2]} ${c[3]}`) ?? []).some(
          (s) => s.kind === "wrapper" && s.through !== undefined && s.through[0] === c[3] && PROCESS_MODEL.has(s.through[s.through.length - 1] as string) && s.at !== undefined,
        ),
      );
      const all = [...sites.values()].flat();
      t.diagnostic(
        `${pkg}: ${kept.length} kept direct calls, ${kept.length - missing.length} reported; ${excluded.length} excluded hits, ${reported.length} reported; ` +
          `${wrappers.length} wrapper calls, ${found.length} reported with their chain (${((100 * found.length) / Math.max(1, wrappers.length)).toFixed(1)}%); ` +
          `${all.length} sites in all, ${all.filter((s) => !s.reachable).length} not reached, ${all.filter((s) => s.notBuilt !== undefined).length} not built`,
      );
      assert.deepEqual(missing.map((c) => c.join(" ")), [], "kept direct calls not reported at their line");
      assert.deepEqual(reported.map((c) => c.join(" ")), [], "excluded grep hits reported");
      assert.ok(found.length >= 0.9 * wrappers.length, `${pkg}: ${found.length} of ${wrappers.length} wrapper calls reported`);
    });
  }
});
