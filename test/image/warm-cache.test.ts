// @fileoverview The persistent cache of an image's file reports is keyed by content: an image whose program differs
// by one byte (an import renamed in .dynstr, getppid → getpgid), scanned on the cache the first image filled, gets
// that program's new report: the same bytes as a scan with no cache at all. A warm scan writes the same report as
// the cold one, to a file and to standard output (the cached reports are passed on as bytes, in reused buffers).

import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { compile } from "../helpers/compile.js";
import { dockerArchive } from "../helpers/image.js";
import { runCli } from "../helpers/run-cli.js";

interface Report {
  files: { path: string }[];
  images: { elfFiles: number }[];
}

const PROGRAM = `#include <stdio.h>
#include <unistd.h>
int main(void) { printf("%d\\n", (int)getppid()); return 0; }
`;
const OTHER = `#include <stdio.h>
#include <unistd.h>
int main(void) { printf("%d\\n", (int)getuid()); return 0; }
`;

let work: string;

function scan(image: string, cache: string, extra: string[] = []): { code: number; stdout: string; stderr: string } {
  return runCli(["scan", image, "--target", "linux,nanos,gvisor", "--format", "json", ...extra], cache === "" ? {} : { UNIFIT_CACHE_DIR: cache });
}

/** One file's report (its line in the JSON report), by its path inside the image. */
function fileLine(json: string, inner: string): string {
  const line = json.split("\n").find((l) => l.includes(`.tar:${inner}"`));
  assert.ok(line !== undefined, `no report for ${inner}`);
  return line;
}

describe("an image scanned warm", () => {
  const images: Record<string, string> = {};
  let cache: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), "unifit-warm-"));
    writeFileSync(join(work, "app.c"), PROGRAM);
    writeFileSync(join(work, "other.c"), OTHER);
    const app = readFileSync(compile(join(work, "app.c"), ["-s"]));
    const other = compile(join(work, "other.c"), ["-s"]);
    // The same image twice, but for one byte of the program: the name of the function it imports.
    const at = app.indexOf("getppid\u0000");
    assert.ok(at > 0 && app.indexOf("getppid\u0000", at + 1) < 0, "getppid is named once, in .dynstr");
    const changed = Buffer.from(app);
    changed[at + 4] = "g".charCodeAt(0); // getppid → getpgid
    for (const [name, bytes] of [["a", app], ["b", changed]] as const) {
      const layer = join(work, name, "usr", "bin");
      mkdirSync(layer, { recursive: true });
      writeFileSync(join(layer, "app"), bytes, { mode: 0o755 });
      cpSync(other, join(layer, "other"));
      images[name] = join(work, `${name}.tar`);
      dockerArchive({ layers: [join(work, name)], entrypoint: ["/usr/bin/app"] }, images[name]);
    }
    cache = join(work, "cache");
    mkdirSync(cache);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("writes the same report warm as cold, to a file and to standard output", () => {
    const cold = scan(images.a as string, cache);
    assert.equal(cold.stderr, "");
    const report = JSON.parse(cold.stdout) as Report;
    assert.equal(report.files.length, 2);
    assert.equal(report.images[0]?.elfFiles, 2);
    const warm = scan(images.a as string, cache);
    assert.equal(warm.stdout, cold.stdout);
    assert.equal(warm.code, cold.code);
    const out = join(work, "warm.json");
    const toFile = scan(images.a as string, cache, ["-o", out]);
    assert.equal(toFile.code, cold.code);
    assert.equal(readFileSync(out, "utf8"), cold.stdout);
  });

  it("never serves a stale report for a program changed by one byte", () => {
    scan(images.a as string, cache);
    const warm = scan(images.b as string, cache);
    const fresh = scan(images.b as string, "", ["--no-cache"]);
    assert.equal(fresh.stderr, "");
    // The oracle: the same bytes as a scan that keeps nothing, but for the image's own path.
    assert.equal(warm.stdout.replaceAll(images.b as string, "IMAGE"), fresh.stdout.replaceAll(images.b as string, "IMAGE"));
    assert.equal(warm.code, fresh.code);
    const was = fileLine(scan(images.a as string, cache).stdout, "/usr/bin/app");
    const now = fileLine(warm.stdout, "/usr/bin/app");
    // The syscall each one's import reaches (glibc's map: getppid → getppid, getpgid → getpgid).
    assert.match(was, /"syscalls":\[.*\{"name":"getppid","nr":110,/);
    assert.doesNotMatch(was, /"getpgid"/);
    assert.match(now, /"syscalls":\[.*\{"name":"getpgid","nr":121,/);
    assert.doesNotMatch(now, /"getppid"/);
    // The unchanged program: the same report, under the other image's path.
    assert.equal(fileLine(warm.stdout, "/usr/bin/other").replace(images.b as string, "IMAGE"), fileLine(scan(images.a as string, cache).stdout, "/usr/bin/other").replace(images.a as string, "IMAGE"));
  });
});
