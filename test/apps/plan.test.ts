// @fileoverview `unifit plan`: Debian 12's nginx, redis and memcached on nanos get their configuration changes with
// the upstream lines as evidence; nginx's binary and source tree become "compatible with this configuration"; the
// bundled sample (no known server) gets rewrites and the nearest target instead.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { PortingPlan } from "../../src/index.js";
import { CACHE, debianBinary, fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const NGINX = debianBinary("nginx", "usr/sbin/nginx");
const REDIS = debianBinary("redis-tools", "usr/bin/redis-check-rdb");
const MEMCACHED = debianBinary("memcached", "usr/bin/memcached");

function plan(args: string[]): PortingPlan {
  const r = runCli(["plan", "--target", "nanos", "--format", "json", ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PortingPlan;
}

const settings = (p: PortingPlan): string[] => p.configuration.map((c) => `${c.app}/${c.setting}`).sort();

describe("unifit plan --target nanos", () => {
  it("Debian's nginx: master_process off, daemon off, getppid tolerated; every blocker covered", { skip: existsSync(NGINX) ? false : "run test/setup/prepare.sh" }, () => {
    const p = plan([NGINX]);
    assert.deepEqual(settings(p), ["nginx/daemon-off", "nginx/getppid-tolerated", "nginx/master-process-off"]);
    const master = p.configuration.find((c) => c.setting === "master-process-off");
    assert.deepEqual(master?.set, ["master_process off;"]);
    assert.ok(master?.covers.includes("clone (process)"));
    assert.ok(master?.evidence.some((e) => e.startsWith("src/core/nginx.c:338:")));
    assert.deepEqual(p.remaining, []);
    assert.match(p.files[0]?.line ?? "", /^compatible with this configuration/);
    const md = runCli(["plan", "--target", "nanos", NGINX]);
    assert.equal(md.code, 0, md.stderr);
    // Configuration comes first, before fixes and rewrites.
    assert.ok(md.stdout.indexOf("`master_process off;`") < md.stdout.indexOf("## 2. Mechanical fixes"));
    assert.match(md.stdout, /- src\/os\/unix\/ngx_process\.c:186: ngx_spawn_process: the fork behind every worker/);
  });

  it("Debian's redis-server and memcached: their settings are listed with upstream lines", { skip: existsSync(REDIS) && existsSync(MEMCACHED) ? false : "run test/setup/prepare.sh" }, () => {
    const r = plan([REDIS]);
    assert.ok(settings(r).includes("redis/no-background-save"));
    assert.ok(settings(r).includes("redis/daemonize-no"));
    assert.ok(r.configuration.find((c) => c.setting === "no-background-save")?.evidence.some((e) => e.startsWith("src/rdb.c:1476:")));
    const m = plan([MEMCACHED]);
    assert.deepEqual(settings(m), ["memcached/no-daemon"]);
    assert.deepEqual(m.configuration[0]?.covers, ["clone (process)", "setsid"]);
    assert.match(m.files[0]?.line ?? "", /^compatible with this configuration/);
  });

  it("the nginx source tree: the process files are covered by configuration, not rewritten", { skip: existsSync(join(CACHE, "src", "nginx")) ? false : "run test/setup/prepare.sh" }, () => {
    const p = plan([join(CACHE, "src", "nginx", "src", "os")]);
    assert.equal(p.recognised[0]?.app, "nginx");
    const daemon = p.files.find((f) => f.path.endsWith("ngx_daemon.c"));
    assert.match(daemon?.line ?? "", /^compatible with this configuration/);
    assert.ok(!p.rewrites.some((w) => w.files.some((f) => f.endsWith("ngx_daemon.c"))));
  });

  it("the bundled sample: no known server, so rewrites by effort and the nearest target", () => {
    const p = plan([fixture("sample")]);
    assert.deepEqual(p.configuration, []);
    assert.ok(p.rewrites.length > 0);
    const efforts = p.rewrites.map((w) => w.sites + w.functions);
    assert.deepEqual(efforts, [...efforts].sort((a, b) => a - b));
    assert.ok(p.rewrites.some((w) => w.ruleId === "prefork-pool"));
    assert.equal(p.nearest?.verdict, "compatible");
    // Suggestions read from the source: the worker the child runs, the helper program, the segment's size.
    const sk = (id: string): string => p.rewrites.find((w) => w.ruleId === id)?.skeleton?.code ?? "";
    assert.match(sk("prefork-pool"), /worker\(lfd, hits\);/);
    assert.match(sk("prefork-pool"), /pthread_create/);
    assert.match(sk("fork-then-exec"), /starts \/usr\/sbin\/logrotate with fork \+ exec/);
    assert.match(sk("sysv-shm"), /hits = calloc\(1, sizeof\(long\)\);/);
  });

  it("an unknown target is a usage error", () => {
    const r = runCli(["plan", "--target", "nosuch", fixture("sample")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown target/);
  });
});
