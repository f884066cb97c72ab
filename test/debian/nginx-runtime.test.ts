// @fileoverview nginx for real: start the Debian binary under `strace -f` with a master and one worker on loopback,
// serve two requests, stop it, and check that the scan, reading the sysroot's real libc.so.6, reports every
// syscall nginx made.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadDatabase } from "../../src/index.js";
import { scanFile, selectTargets } from "../../src/scan/scan.js";
import { debianBinary } from "../helpers/paths.js";
import { startTraced } from "../helpers/strace.js";
import { freePort } from "../helpers/net.js";

const NGINX = debianBinary("nginx", "usr/sbin/nginx");
const NOT_FROM_THE_IMAGE = new Set(["restart_syscall"]);

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", timeout: 5000 }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("nginx under strace", () => {
  it("the syscalls reached through the sysroot's libc cover a start, two requests and a stop", { skip: existsSync(NGINX) ? false : "run test/setup/prepare.sh" }, async (t) => {
    const prefix = mkdtempSync(join(tmpdir(), "unifit-nginx-"));
    for (const d of ["logs", "tmp"]) mkdirSync(join(prefix, d));
    const port = await freePort();
    writeFileSync(
      join(prefix, "nginx.conf"),
      [
        "daemon off;",
        "master_process on;",
        "worker_processes 1;",
        `pid ${join(prefix, "nginx.pid")};`,
        `error_log ${join(prefix, "logs", "error.log")};`,
        "events { worker_connections 64; }",
        "http {",
        "  access_log off;",
        `  client_body_temp_path ${join(prefix, "tmp")}; proxy_temp_path ${join(prefix, "tmp")};`,
        `  fastcgi_temp_path ${join(prefix, "tmp")}; uwsgi_temp_path ${join(prefix, "tmp")}; scgi_temp_path ${join(prefix, "tmp")};`,
        `  server { listen 127.0.0.1:${port}; location / { return 200 "ok\\n"; } }`,
        "}",
        "",
      ].join("\n"),
    );
    const traced = startTraced([NGINX, "-p", prefix, "-c", join(prefix, "nginx.conf"), "-e", join(prefix, "logs", "error.log")]);
    const pidFile = join(prefix, "nginx.pid");
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "", 10_000);
    // The worker may still be starting: retry the first request briefly.
    let first = "";
    for (let i = 0; i < 50 && first === ""; i++) {
      first = await get(port).catch(() => "");
      if (first === "") await new Promise((r) => setTimeout(r, 100));
    }
    const second = await get(port);
    assert.equal(first, "ok\n");
    assert.equal(second, "ok\n");
    process.kill(Number(readFileSync(pidFile, "utf8").trim()), "SIGQUIT"); // graceful stop
    const observed = await traced.finish();

    const db = loadDatabase();
    const r = scanFile(NGINX, db, selectTargets(db, ["nanos"]), { sysroot: "/" });
    assert.ok(!("code" in r));
    const f = r;
    const libc = f.binary!.libraries.find((l) => l.name === "libc.so.6");
    assert.ok(libc?.path !== undefined, "libc.so.6 was read from the sysroot");
    const reported = new Set(f.syscalls.map((s) => s.name));
    const missing = [...observed].filter((s) => !reported.has(s) && !NOT_FROM_THE_IMAGE.has(s)).sort();
    // The same, counting only what was read from code (nginx's own and its libraries'), not the curated map.
    const fromCode = new Set(f.syscalls.filter((s) => s.via.some((v) => v.kind === "library" || v.kind === "site" || v.source.startsWith("code:"))).map((s) => s.name));
    const curatedOnly = [...observed].filter((s) => !fromCode.has(s) && !NOT_FROM_THE_IMAGE.has(s)).sort();
    t.diagnostic(`nginx: observed syscalls found only through the curated maps (libc start-up list): ${curatedOnly.join(", ") || "none"}`);
    t.diagnostic(`nginx: static ${reported.size} syscalls (libraries read: ${f.binary!.libraries.filter((l) => l.path).map((l) => l.name).join(", ")}), observed ${observed.size}, missing ${missing.length}`);
    assert.deepEqual(missing, [], `observed under strace but not reported: ${missing.join(", ")}`);
  });
});
