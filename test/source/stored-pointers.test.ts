// @fileoverview Function pointers stored at run time (`x.fn = f;`, `p->handler = &f;`, `arr[i] = (handler_t)f;`)
// count as address-taken in the source call graph, as initializers do: the CLI's JSON report says the calls in those
// functions are reached from main, and those in functions only compared, commented or quoted are not. The fixture
// carries its expectations (`// site: NAME` reached, `// unreached: NAME` reached from nothing).

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { Report } from "../../src/types.js";
import { fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const FILE = "fixtures/source-calls/stored-pointers.c";

describe("function pointers stored at run time", () => {
  it("make the functions stored reachable through the function that stores them", () => {
    const lines = readFileSync(fixture("source-calls", "stored-pointers.c"), "utf8").split("\n");
    const want = new Map<string, boolean>();
    lines.forEach((l, i) => {
      const m = /^\s*\/\/ (site|unreached): (\w+)/.exec(l);
      if (m !== null) want.set(`${i + 2}:${m[2] as string}`, m[1] === "site");
    });
    assert.equal(want.size, 6);
    const r = runCli(["scan", FILE, "--target", "nanos", "-f", "json", "--no-cache"]);
    const report = JSON.parse(r.stdout) as Report;
    const sites = report.files[0]?.sites ?? [];
    const got = new Map(sites.filter((s) => s.kind === "libc").map((s) => [`${s.line}:${s.callee}`, s.reachable]));
    assert.deepEqual(new Map([...got].filter(([k]) => want.has(k))), want);
    // by_field is reached through setup, which main calls and which stores its address (&): the chain says so.
    const fork = sites.find((s) => s.callee === "fork");
    assert.deepEqual(fork?.chain, ["main", "setup", "&by_field", "fork"]);
    // setup itself becomes a wrapper site: it reaches fork, setsid and daemon.
    assert.ok(sites.some((s) => s.kind === "wrapper" && s.callee === "setup" && s.function === "main"));
  });
});
