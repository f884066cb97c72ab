// @fileoverview syscall-db/apps/: every file loads against its schema, and every evidence line says what the data
// claims: the quoted text is on that line of the pinned upstream tree (.cache/src/<tree>, test/setup/sources.sh),
// whose version is the one the file names. Debian 12's server binaries are recognised with their versions.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadApps, loadDatabase, recogniseBinary, recogniseTree } from "../../src/index.js";
import { CACHE, debianBinary } from "../helpers/paths.js";

const db = loadDatabase();
const apps = loadApps(undefined, db);

describe("syscall-db/apps", () => {
  it("loads nginx, redis, memcached and lighttpd", () => {
    assert.deepEqual(apps.map((a) => a.id), ["lighttpd", "memcached", "nginx", "redis"]);
  });

  for (const app of apps) {
    const tree = join(CACHE, "src", app.upstream.tree);
    it(`${app.id}: every evidence line is in the upstream tree at the line it names`, { skip: existsSync(tree) ? false : "run test/setup/prepare.sh" }, () => {
      const rec = recogniseTree(tree, apps);
      assert.equal(rec?.app, app.id);
      assert.equal(rec?.version, app.upstream.version, "the tree is the version the lines were read from");
      for (const s of app.settings) {
        for (const e of s.evidence) {
          const line = readFileSync(join(tree, e.file), "utf8").split("\n")[e.line - 1] ?? "";
          assert.ok(line.includes(e.text), `${app.id}/${s.id}: ${e.file}:${e.line} is ${JSON.stringify(line.trim())}, not ${JSON.stringify(e.text)}`);
        }
        for (const f of s.files) assert.ok(existsSync(join(tree, f)), `${app.id}/${s.id}: ${f} is not in the tree`);
      }
    });
  }

  const binaries = [
    ["nginx", debianBinary("nginx", "usr/sbin/nginx"), "1.22.1"],
    ["redis", debianBinary("redis-tools", "usr/bin/redis-check-rdb"), "7.0.15"],
    ["memcached", debianBinary("memcached", "usr/bin/memcached"), "1.6.18"],
  ] as const;
  for (const [id, path, version] of binaries) {
    it(`recognises Debian 12's ${id} ${version}`, { skip: existsSync(path) ? false : "run test/setup/prepare.sh" }, () => {
      const r = recogniseBinary(path, apps);
      assert.equal(r?.app, id);
      assert.equal(r?.version, version);
      assert.equal(r?.inRange, true);
    });
  }

  it("recognises nothing in a program that is none of them", () => {
    assert.equal(recogniseBinary("/usr/bin/ls", apps), undefined);
    assert.equal(recogniseTree(join(CACHE, ".."), apps), undefined);
  });
});
