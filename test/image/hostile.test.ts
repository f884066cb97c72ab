// @fileoverview Hostile images: each gives a clear error line (exit 2) or a bounded result, and nothing is read or
// written outside the scan: path traversal, an absolute link to /etc/passwd, a link loop, a hard link out of the
// tree, a truncated layer, a decompression bomb, a manifest naming a missing layer.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import * as tar from "tar-stream";
import { debianBinary } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

interface Entry {
  name: string;
  type?: "file" | "symlink" | "link" | "directory";
  linkname?: string;
  data?: Buffer | string;
}

/** A tar of the given entries, names written as they are (tar-stream does not clean them). */
async function packTar(entries: readonly Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve) => pack.on("end", () => resolve()));
  for (const e of entries) {
    const data = e.data === undefined ? undefined : Buffer.from(e.data);
    const header: Partial<tar.Header> & { name: string } = { name: e.name, type: e.type ?? "file", mode: 0o755 };
    if (e.linkname !== undefined) header.linkname = e.linkname;
    if (data !== undefined) {
      header.size = data.length;
      pack.entry(header, data);
    } else pack.entry(header);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A docker save archive of these layer blobs; `manifestLayers` overrides the layer list the manifest gives. */
async function dockerArchive(out: string, layers: Buffer[], entrypoint: string[], manifestLayers?: string[]): Promise<void> {
  const config = JSON.stringify({ architecture: "amd64", os: "linux", config: { Entrypoint: entrypoint } });
  const names = layers.map((_, i) => `layer${i}/layer.tar`);
  const manifest = JSON.stringify([{ Config: "config.json", Layers: manifestLayers ?? names }]);
  writeFileSync(out, await packTar([...layers.map((l, i) => ({ name: names[i] as string, data: l })), { name: "config.json", data: config }, { name: "manifest.json", data: manifest }]));
}

let work: string;
let busybox: Buffer;
const escape = join(tmpdir(), `unifit-escape-${process.pid}`);

function scan(image: string, ...flags: string[]): { code: number; stderr: string; report: { errors: { path: string; code: string; message: string }[]; files: { path: string }[] } } {
  const r = runCli(["scan", image, "--target", "linux", "--format", "json", ...flags]);
  return { code: r.code, stderr: r.stderr, report: JSON.parse(r.stdout) };
}

describe("hostile images", () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), "unifit-hostile-"));
    busybox = readFileSync(debianBinary("busybox-static", "bin/busybox"));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("path traversal: entries climbing out of the root are refused by name; the rest is scanned", async () => {
    const layer = await packTar([
      { name: `../../../../../..${escape}`, data: "escaped" },
      { name: "./bin/../../etc/evil", data: "x" },
      { name: "bin/busybox", data: busybox },
    ]);
    const image = join(work, "traversal.tar");
    await dockerArchive(image, [layer], ["/bin/busybox"]);
    const r = scan(image);
    assert.equal(r.code, 2);
    assert.deepEqual(r.report.errors.map((e) => e.code), ["UNSAFE_PATH", "UNSAFE_PATH"]);
    assert.match(r.stderr, /traversal\.tar: layer entry "\.\.\/.*unifit-escape-\d+" climbs out of the root: ignored/);
    assert.deepEqual(r.report.files.map((f) => f.path), [`${image}:/bin/busybox`]);
    assert.ok(!existsSync(escape), "nothing written outside the scan");
  });

  it("an absolute link to /etc/passwd and a link loop resolve inside the image only", async () => {
    const layer = await packTar([
      { name: "bin/busybox", data: busybox },
      { name: "usr/bin/app", type: "symlink", linkname: "/etc/passwd" },
      { name: "usr/bin/loop-a", type: "symlink", linkname: "loop-b" },
      { name: "usr/bin/loop-b", type: "symlink", linkname: "/usr/bin/loop-a" },
      { name: "usr/bin/start", data: "#!/bin/busybox sh\nexec /usr/bin/loop-a\nexec /usr/bin/app\n" },
    ]);
    const image = join(work, "links.tar");
    await dockerArchive(image, [layer], ["/usr/bin/start"]);
    const r = scan(image);
    assert.equal(r.code, 2);
    const messages = r.report.errors.map((e) => `${e.code} ${e.message}`);
    assert.deepEqual(messages, [
      "MISSING_PROGRAM /usr/bin/start runs /usr/bin/loop-a, which the image does not hold",
      "MISSING_PROGRAM /usr/bin/start runs /usr/bin/app, which the image does not hold",
    ]);
    assert.doesNotMatch(JSON.stringify(r.report), /root:x:0:0/, "the host's /etc/passwd is never read");
    assert.deepEqual(r.report.files.map((f) => f.path), [`${image}:/bin/busybox`]);
  });

  it("a hard link out of the tree is refused, one to a file the image lacks is ignored", async () => {
    const layer = await packTar([
      { name: "bin/busybox", data: busybox },
      { name: "bin/sh", type: "link", linkname: "bin/busybox" },
      { name: "bin/passwd", type: "link", linkname: "../../../../etc/passwd" },
      { name: "bin/shadow", type: "link", linkname: "/etc/shadow" },
    ]);
    const image = join(work, "hardlinks.tar");
    await dockerArchive(image, [layer], ["/bin/sh"]);
    const r = scan(image);
    assert.equal(r.code, 2);
    assert.deepEqual(r.report.errors.map((e) => e.code).sort(), ["BAD_LINK", "UNSAFE_PATH"]);
    // The good hard link is the same file under two names: both reported, analysed once.
    assert.deepEqual(r.report.files.map((f) => f.path), [`${image}:/bin/sh`, `${image}:/bin/busybox`]);
  });

  it("a truncated layer, a decompression bomb and a manifest naming a missing layer are one clear error each", async () => {
    const good = gzipSync(await packTar([{ name: "bin/busybox", data: busybox }]));
    const truncated = join(work, "truncated.tar");
    await dockerArchive(truncated, [good.subarray(0, Math.floor(good.length / 2))], ["/bin/busybox"]);
    const t = scan(truncated);
    assert.equal(t.code, 2);
    assert.equal(t.report.errors.length, 1);
    assert.equal(t.report.errors[0]?.code, "CORRUPT");
    assert.match(t.stderr, /truncated\.tar: layer layer0\/layer\.tar: gzip: unexpected end of file/);

    // 256 MiB of zeros in a 256 KiB layer: stopped at the image limit, not expanded in memory.
    const bomb = join(work, "bomb.tar");
    const zeros = Buffer.alloc(256 * 1024 * 1024);
    await dockerArchive(bomb, [gzipSync(await packTar([{ name: "zeros", data: zeros }]), { level: 9 })], ["/zeros"]);
    const b = scan(bomb, "--max-image-size", "64M");
    assert.equal(b.code, 2);
    assert.equal(b.report.errors[0]?.code, "TOO_LARGE");
    assert.match(b.stderr, /bomb\.tar: .*expand past the 67108864-byte image limit/);

    const missing = join(work, "missing.tar");
    await dockerArchive(missing, [good], ["/bin/busybox"], ["layer0/layer.tar", "sha256-nope/layer.tar"]);
    const m = scan(missing);
    assert.equal(m.code, 2);
    assert.deepEqual(m.report.errors.map((e) => `${e.code} ${e.message}`), ["MISSING_LAYER the manifest names layer sha256-nope/layer.tar, which the archive does not hold"]);
  });

  it("a compressed layer's programs go to a scratch file in the cache directory, else the temporary one; with no place, one error line", async () => {
    const image = join(work, "scratch.tar");
    await dockerArchive(image, [gzipSync(await packTar([{ name: "bin/busybox", data: busybox }]))], ["/bin/busybox"]);
    const notDir = join(work, "not-a-directory");
    writeFileSync(notDir, "");
    const run = (env: NodeJS.ProcessEnv, ...flags: string[]): ReturnType<typeof scan> => {
      const r = runCli(["scan", image, "--target", "linux", "--format", "json", ...flags], env);
      return { code: r.code, stderr: r.stderr, report: JSON.parse(r.stdout) };
    };
    const cache = join(work, "scratch-cache");
    const inCache = run({ UNIFIT_CACHE_DIR: cache });
    assert.deepEqual(inCache.report.errors, []);
    assert.deepEqual(inCache.report.files.map((f) => f.path), [`${image}:/bin/busybox`]);
    assert.deepEqual(readdirSync(cache).filter((n) => n.startsWith("image-")), [], "nothing left in the cache");
    // A cache directory that cannot be made: the temporary directory takes the scratch file; the same report.
    const fallback = run({ UNIFIT_CACHE_DIR: join(notDir, "cache") });
    assert.deepEqual(fallback.report.errors, [], fallback.stderr);
    assert.deepEqual(fallback.report.files, inCache.report.files);
    const none = run({ TMPDIR: join(notDir, "tmp") }, "--no-cache");
    assert.equal(none.code, 2);
    assert.equal(none.stderr.trim().split("\n").length, 1, none.stderr);
    assert.match(none.stderr, /scratch\.tar: .*no place for the scratch file of compressed layers' programs \(ENOTDIR/);
    // Under /proc, mkdir answers ENOENT for a parent that exists, and Node's recursive mkdir retried it forever:
    // UNIFIT_CACHE_DIR=/proc/... hung every scan, and TMPDIR=/proc/... an uncached image scan.
    const procCache = run({ UNIFIT_CACHE_DIR: "/proc/unifit-cache" });
    assert.deepEqual(procCache.report.errors, [], procCache.stderr);
    assert.deepEqual(procCache.report.files, inCache.report.files);
    const procTmp = run({ TMPDIR: "/proc/unifit-tmp" }, "--no-cache");
    assert.equal(procTmp.code, 2);
    assert.equal(procTmp.stderr.trim().split("\n").length, 1, procTmp.stderr);
    assert.match(procTmp.stderr, /scratch\.tar: .*no place for the scratch file of compressed layers' programs \(ENOENT/);
  });

  // Found by `npm run fuzz` (seed 20261204, input 538): an OCI manifest whose layer entry is `null` ended in a
  // TypeError and a stack trace; every JSON value where an object belongs is now checked.
  it("null where a manifest's object belongs is one BAD_MANIFEST error, not a crash", () => {
    const oci = join(work, "oci-null");
    mkdirSync(join(oci, "blobs", "sha256"), { recursive: true });
    const blob = (text: string): string => {
      const hex = createHash("sha256").update(text).digest("hex");
      writeFileSync(join(oci, "blobs", "sha256", hex), text);
      return `sha256:${hex}`;
    };
    const config = blob(JSON.stringify({ architecture: "amd64", os: "linux", config: {} }));
    const manifest = blob(JSON.stringify({ schemaVersion: 2, config: { digest: config }, layers: [null] }));
    writeFileSync(join(oci, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    writeFileSync(join(oci, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ digest: manifest }] }));
    const o = scan(oci);
    assert.equal(o.code, 2);
    assert.deepEqual(o.report.errors.map((e) => `${e.code} ${e.message}`), ["BAD_MANIFEST the manifest's layer 1 is not a JSON object"]);
    assert.doesNotMatch(o.stderr, /TypeError|at /);

    const docker = join(work, "docker-null");
    mkdirSync(docker);
    writeFileSync(join(docker, "manifest.json"), "[null]");
    const d = scan(docker);
    assert.equal(d.code, 2);
    assert.deepEqual(d.report.errors.map((e) => e.code), ["BAD_MANIFEST"]);
    assert.doesNotMatch(d.stderr, /TypeError|at /);
  });
});
