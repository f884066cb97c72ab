// @fileoverview Debian 12's nginx, redis-server and memcached under `unifit try --target nanos`: with the settings
// syscall-db/apps/ names they serve a request on loopback and make no refused fork; without them the run shows the
// refused fork. Each server binds 127.0.0.1 only, gets bounded requests and is stopped by the test.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { TryReport } from "../../src/index.js";
import { CLI, ROOT, debianBinary } from "../helpers/paths.js";
import { freePort } from "../helpers/net.js";

const NGINX = debianBinary("nginx", "usr/sbin/nginx");
const REDIS = debianBinary("redis-tools", "usr/bin/redis-check-rdb");
const MEMCACHED = debianBinary("memcached", "usr/bin/memcached");
const LIBS = ["libjemalloc2", "liblzf1"].map((p) => debianBinary(p, "usr/lib/x86_64-linux-gnu")).join(":");
const tmp = mkdtempSync(join(tmpdir(), "unifit-servers-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Sends `request` to 127.0.0.1:port and collects the answer until `done` holds or the server closes (5 s at most). */
function ask(port: number, request: string, done: (answer: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: "127.0.0.1", port });
    let answer = "";
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no complete answer to ${JSON.stringify(request)}: ${JSON.stringify(answer)}`));
    }, 5000);
    sock.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on("data", (d: Buffer) => {
      answer += d.toString("latin1");
      if (done(answer)) {
        clearTimeout(timer);
        sock.end();
        resolve(answer);
      }
    });
    sock.on("close", () => {
      clearTimeout(timer);
      resolve(answer);
    });
    sock.on("connect", () => sock.write(request));
  });
}

/** The first answer once the server listens (it may still be starting: retried for up to 15 s). */
async function askWhenUp(port: number, request: string, done: (answer: string) => boolean): Promise<string> {
  const end = Date.now() + 15_000;
  for (;;) {
    try {
      return await ask(port, request, done);
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

let n = 0;
/** `unifit try --target nanos` on a server; `finish` waits for it to end (after the test stopped the server). */
function tryServer(command: readonly string[], env: NodeJS.ProcessEnv = {}): { finish: () => Promise<{ code: number; stderr: string; report: TryReport }> } {
  const file = join(tmp, `report-${n++}.json`);
  const child = spawn(process.execPath, [CLI, "try", "--target", "nanos", "--no-baseline", "--timeout", "60", "--report", file, "--", ...command], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? -1)));
  return {
    finish: async () => {
      const code = await exited;
      return { code, stderr, report: JSON.parse(readFileSync(file, "utf8")) as TryReport };
    },
  };
}

const refused = (r: TryReport): string[] => r.refused.filter((c) => c.action === "errno").map((c) => `${c.syscall}${c.mode !== undefined ? `:${c.mode}` : ""}`);

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

function nginxConf(dir: string, port: number, masterProcess: "on" | "off"): string {
  mkdirSync(join(dir, "logs"), { recursive: true });
  mkdirSync(join(dir, "tmp"), { recursive: true });
  const t = join(dir, "tmp");
  const conf = join(dir, "nginx.conf");
  writeFileSync(
    conf,
    [
      "daemon off;",
      `master_process ${masterProcess};`,
      "worker_processes 1;",
      `pid ${join(dir, "nginx.pid")};`,
      `error_log ${join(dir, "logs", "error.log")};`,
      "events { worker_connections 64; }",
      `http { access_log off; client_body_temp_path ${t}; proxy_temp_path ${t}; fastcgi_temp_path ${t}; uwsgi_temp_path ${t}; scgi_temp_path ${t};`,
      `  server { listen 127.0.0.1:${port}; location / { return 200 "ok\\n"; } } }`,
      "",
    ].join("\n"),
  );
  return conf;
}

const pidOf = (file: string): number => Number(readFileSync(file, "utf8").trim());
const httpDone = (a: string): boolean => /\r\n\r\n[\s\S]*ok\n/.test(a);

describe("servers under unifit try --target nanos", () => {
  it("nginx with `master_process off;` serves a request; with master_process on the worker's fork is refused", { skip: existsSync(NGINX) ? false : "run test/setup/prepare.sh" }, async () => {
    const dir = join(tmp, "nginx-single");
    const port = await freePort();
    const conf = nginxConf(dir, port, "off");
    const run = tryServer([NGINX, "-p", dir, "-c", conf, "-e", join(dir, "logs", "error.log")]);
    const answer = await askWhenUp(port, "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n", httpDone);
    assert.match(answer, /^HTTP\/1\.1 200 OK/);
    process.kill(pidOf(join(dir, "nginx.pid")), "SIGQUIT");
    const r = await run.finish();
    assert.ok(!refused(r.report).includes("clone:process"), r.stderr);
    assert.ok(!refused(r.report).includes("setsid"), r.stderr);

    const dir2 = join(tmp, "nginx-master");
    const port2 = await freePort();
    const conf2 = nginxConf(dir2, port2, "on");
    const run2 = tryServer([NGINX, "-p", dir2, "-c", conf2, "-e", join(dir2, "logs", "error.log")]);
    const log = join(dir2, "logs", "error.log");
    // Spawning the worker fails at its first refused call: the channel's ioctl(FIOASYNC) (ENOSYS on Nanos), else
    // the fork.
    const spawnFailed = /(fork\(\)|ioctl\(FIOASYNC\)) failed while spawning "worker process" \(38: Function not implemented\)/;
    await waitFor(() => existsSync(log) && spawnFailed.test(readFileSync(log, "utf8")), 15_000);
    await waitFor(() => existsSync(join(dir2, "nginx.pid")) && readFileSync(join(dir2, "nginx.pid"), "utf8").trim() !== "", 5000);
    // A master without workers does not act on SIGQUIT or SIGTERM under the emulation (it waits for workers to
    // reap): it is killed.
    process.kill(pidOf(join(dir2, "nginx.pid")), "SIGKILL");
    const r2 = await run2.finish();
    assert.ok(refused(r2.report).some((x) => x === "clone:process" || x.startsWith("ioctl")), `${refused(r2.report).join(" ")} ${r2.stderr}`);
    assert.match(readFileSync(log, "utf8"), spawnFailed);
  });

  it("redis-server with save \"\" answers PING and SET; with its default save points BGSAVE's fork is refused", { skip: existsSync(REDIS) ? false : "run test/setup/prepare.sh" }, async () => {
    // redis-check-rdb is redis-server: the program picks its mode from its name (server.c, checkForSentinelMode).
    const bin = join(tmp, "redis-server");
    symlinkSync(REDIS, bin);
    const resp = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
    const line = (a: string): boolean => a.endsWith("\r\n");
    const start = async (name: string, settings: string[]): Promise<{ port: number; run: ReturnType<typeof tryServer> }> => {
      const dir = join(tmp, name);
      mkdirSync(dir);
      const port = await freePort();
      const conf = join(dir, "redis.conf");
      writeFileSync(conf, [`port ${port}`, "bind 127.0.0.1", `dir ${dir}`, "daemonize no", ...settings, ""].join("\n"));
      return { port, run: tryServer([bin, conf], { LD_LIBRARY_PATH: LIBS }) };
    };

    const a = await start("redis-nosave", ['save ""', "appendonly no", 'rename-command BGSAVE ""', 'rename-command BGREWRITEAOF ""']);
    assert.equal(await askWhenUp(a.port, resp("PING"), line), "+PONG\r\n");
    assert.equal(await ask(a.port, resp("SET", "k", "v"), line), "+OK\r\n");
    assert.equal(await ask(a.port, resp("GET", "k"), (x) => x.endsWith("v\r\n")), "$1\r\nv\r\n");
    assert.match(await ask(a.port, resp("BGSAVE"), line), /^-ERR unknown command/);
    await ask(a.port, resp("SHUTDOWN", "NOSAVE"), () => false);
    const ra = await a.run.finish();
    assert.ok(!refused(ra.report).includes("clone:process"), ra.stderr);
    // The SysV calls the scan finds only inside libcrypto (the plan's "only inside its shared libraries") are not made.
    assert.ok(!refused(ra.report).some((c) => c.startsWith("shm")), ra.stderr);

    // Without the setting: the save points (default 3600 1 300 100 60 10000) start the same background save
    // from serverCron once enough time has passed; BGSAVE starts it now.
    const b = await start("redis-default", []);
    assert.equal(await askWhenUp(b.port, resp("SET", "k", "v"), line), "+OK\r\n");
    assert.match(await ask(b.port, resp("BGSAVE"), line), /^-ERR/);
    await ask(b.port, resp("SHUTDOWN", "NOSAVE"), () => false);
    const rb = await b.run.finish();
    assert.ok(refused(rb.report).includes("clone:process"), rb.stderr);
  });

  it("memcached without -d answers `version`; with -d its fork is refused and it stops", { skip: existsSync(MEMCACHED) ? false : "run test/setup/prepare.sh" }, async () => {
    const port = await freePort();
    const pid = join(tmp, "memcached.pid");
    // memcached refuses to run as root without -u.
    const user = userInfo().uid === 0 ? ["-u", "root"] : [];
    const run = tryServer([MEMCACHED, "-l", "127.0.0.1", "-p", String(port), "-U", "0", "-P", pid, ...user]);
    assert.match(await askWhenUp(port, "version\r\n", (a) => a.endsWith("\r\n")), /^VERSION 1\.6\.\d+\r\n$/);
    assert.equal(await ask(port, "set k 0 0 1\r\nv\r\nget k\r\n", (a) => a.endsWith("END\r\n")), "STORED\r\nVALUE k 0 1\r\nv\r\nEND\r\n");
    await waitFor(() => existsSync(pid), 5000);
    process.kill(pidOf(pid), "SIGTERM");
    const r = await run.finish();
    assert.ok(!refused(r.report).includes("clone:process"), r.stderr);

    const port2 = await freePort();
    const run2 = tryServer([MEMCACHED, "-d", "-l", "127.0.0.1", "-p", String(port2), "-U", "0", ...user]);
    const r2 = await run2.finish();
    assert.ok(refused(r2.report).includes("clone:process"), r2.stderr);
    assert.notEqual(r2.report.exit.code, 0);
  });
});
