// @fileoverview An image's files analysed on the worker pool: the same bytes out for -j1 (this thread) and -j2 (two
// workers reading the image's shared view, in every format), from an uncompressed `docker save` archive (files read
// from the archive where they lie) and a zstd OCI archive (files kept in shared memory); and the per-file budget
// holds for an image's files as it does for a directory's.

import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { dockerArchive, ociLayout, tarDir } from "../helpers/image.js";
import { runCli } from "../helpers/run-cli.js";
import { CRASH } from "../robust/measure.js";
import { libraryFactsCache, stageRedisImage } from "./fixture.js";

let work: string;
let libCache: string;
let firstJson: string;

/** Every file of the image is analysed again, its libraries are not. */
const freshCache = (): string => libraryFactsCache(work, libCache);

function scan(image: string, jobs: string, format: string): { code: number; stdout: string; stderr: string } {
  return runCli(["scan", image, "--target", "linux,nanos,gvisor", "--format", format, "-j", jobs], { UNIFIT_CACHE_DIR: freshCache() });
}

describe("image files on the worker pool", () => {
  const images: Record<string, string> = {};
  before(() => {
    const staged = stageRedisImage();
    work = staged.work;
    images.docker = join(work, "docker.tar");
    dockerArchive(staged.spec, images.docker);
    ociLayout(staged.spec, join(work, "oci"), { zstd: true });
    images.oci = join(work, "oci.tar");
    tarDir(join(work, "oci"), images.oci);
    libCache = join(work, "cache-libs");
    mkdirSync(libCache);
    const first = runCli(["scan", images.docker, "--target", "linux,nanos,gvisor", "--format", "json"], { UNIFIT_CACHE_DIR: libCache });
    assert.equal(first.code, 1, first.stderr);
    firstJson = first.stdout;
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  for (const form of ["docker", "oci"]) {
    it(`${form}: -j1 and -j2 write the same JSON report`, () => {
      const one = scan(images[form] as string, "1", "json");
      const two = scan(images[form] as string, "2", "json");
      assert.equal(one.code, 1, one.stderr);
      assert.equal(two.code, one.code, two.stderr);
      assert.equal(two.stderr, one.stderr);
      const report = JSON.parse(one.stdout) as { files: unknown[]; images: { elfFiles: number }[] };
      assert.ok(report.files.length >= 10, `${report.files.length} files`);
      assert.equal(report.files.length, report.images[0]?.elfFiles);
      assert.equal(two.stdout, one.stdout);
    });
  }

  it("-j1 and -j2 write the same text and SARIF", () => {
    for (const format of ["text", "sarif"]) {
      const one = scan(images.oci as string, "1", format);
      const two = scan(images.oci as string, "2", format);
      assert.equal(one.code, 1, one.stderr);
      assert.equal(two.stdout, one.stdout, format);
    }
  });

  it("a warm scan analyses no file: a budget no analysis meets is never hit", () => {
    // Every file's report (a twin's included) is in the cache the first scan filled: no worker is given a file.
    const r = runCli(["scan", images.docker as string, "--target", "linux,nanos,gvisor", "--format", "json", "-j", "2", "--file-timeout", "0.000001"], { UNIFIT_CACHE_DIR: libCache });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, firstJson);
  });

  it("an image's file past --file-timeout is one line; the image is still reported", () => {
    const r = runCli(["scan", images.oci as string, "--target", "linux", "--format", "json", "-j", "2", "--file-timeout", "0.000001"], { UNIFIT_CACHE_DIR: freshCache() });
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, CRASH);
    const report = JSON.parse(r.stdout) as { files: unknown[]; errors: { path: string; code: string }[]; images: { elfFiles: number }[] };
    const lines = r.stderr.trim().split("\n");
    // No ELF analysis ends within a microsecond: every file of the image is one error line naming it inside the image.
    assert.equal(lines.length, report.images[0]?.elfFiles);
    for (const l of lines) assert.match(l, new RegExp(`^unifit: ${images.oci}:/\\S+: skipped: analysis ran past the 0\\.000001 s time budget \\(--file-timeout\\); an ELF file of \\d+ bytes$`));
    assert.deepEqual(new Set(report.errors.map((e) => e.code)), new Set(["FILE_TIMEOUT"]));
    assert.equal(report.files.length, 0);
  });
});
