// @fileoverview The test image: Debian 12's redis server (redis-check-rdb, which /usr/bin/redis-server links to) with
// the libraries it loads, from the packages prepare.sh downloads, in two layers: the base (libc, busybox as /bin/sh,
// redis-tools, libssl, libsystemd, liblzf, libatomic) and the app layer (libjemalloc, the redis-server link, an
// entrypoint script that execs it, a whiteout of redis-benchmark and an opaque /usr/share/doc).

import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CACHE } from "../helpers/paths.js";
import type { ImageSpec } from "../helpers/image.js";

const deb = (pkg: string, ...p: string[]): string => join(CACHE, "debian", pkg, ...p);

export const ENTRYPOINT_SCRIPT = `#!/bin/sh
# Prepare the data directory, then hand over to the server.
set -e
mkdir -p /data
exec /usr/bin/redis-server --dir /data "$@"
`;

/** Stages the two layer directories under a new temporary directory; returns the spec and the directory. */
export function stageRedisImage(): { spec: ImageSpec; work: string } {
  const work = mkdtempSync(join(tmpdir(), "unifit-image-"));
  const base = join(work, "layer0");
  const app = join(work, "layer1");
  const copy = (pkg: string, rel: string, into: string): void => cpSync(deb(pkg, rel), join(into, rel), { recursive: true, verbatimSymlinks: true });
  mkdirSync(join(base, "bin"), { recursive: true });
  copy("busybox-static", "bin/busybox", base);
  symlinkSync("busybox", join(base, "bin", "sh"));
  for (const lib of ["ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6"]) copy("libc6", `lib/x86_64-linux-gnu/${lib}`, base);
  copy("libc6", "lib64", base);
  copy("libc6", "etc/ld.so.conf.d", base);
  writeFileSync(join(base, "etc", "ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n");
  for (const pkg of ["libssl3", "libsystemd0", "liblzf1", "libatomic1"]) copy(pkg, "usr/lib/x86_64-linux-gnu", base);
  copy("redis-tools", "usr/bin", base);
  copy("redis-tools", "usr/share/doc", base);
  mkdirSync(join(app, "usr", "bin"), { recursive: true });
  copy("libjemalloc2", "usr/lib/x86_64-linux-gnu", app);
  symlinkSync("redis-check-rdb", join(app, "usr", "bin", "redis-server"));
  writeFileSync(join(app, "usr", "bin", ".wh.redis-benchmark"), "");
  mkdirSync(join(app, "usr", "share", "doc", "app"), { recursive: true });
  writeFileSync(join(app, "usr", "share", "doc", ".wh..wh..opq"), "");
  writeFileSync(join(app, "usr", "share", "doc", "app", "README"), "the app's own documentation\n");
  mkdirSync(join(app, "usr", "local", "bin"), { recursive: true });
  writeFileSync(join(app, "usr", "local", "bin", "docker-entrypoint.sh"), ENTRYPOINT_SCRIPT);
  chmodSync(join(app, "usr", "local", "bin", "docker-entrypoint.sh"), 0o755);
  return {
    work,
    spec: { layers: [base, app], entrypoint: ["docker-entrypoint.sh"], cmd: ["--port", "6379"], workingDir: "/data" },
  };
}

/**
 * A fresh cache directory under `work` holding only the library facts of `from` (a cache a first scan filled): the
 * image's files are analysed again (no file report is reused), while the libraries, the same bytes every time, are
 * not analysed again.
 */
export function libraryFactsCache(work: string, from: string): string {
  const dir = mkdtempSync(join(work, "cache-"));
  for (const n of readdirSync(from)) if (n.startsWith("lib-") && n.endsWith(".json")) copyFileSync(join(from, n), join(dir, n));
  return dir;
}
