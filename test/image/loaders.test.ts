// @fileoverview How a program of an image finds its libraries beyond glibc's rules: a musl program (musl-gcc) whose
// library directory only the image's /etc/ld-musl-x86_64.path names (musl's loader never reads ld.so.conf), with
// libc.so answered by the loader itself.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { dockerArchive } from "../helpers/image.js";
import { runCli } from "../helpers/run-cli.js";

interface Report {
  files: {
    path: string;
    binary?: { libraries: { name: string; path?: string }[] };
    targets: { target: string; verdict: string }[];
    uncertainties: { kind: string; message: string }[];
  }[];
  errors: unknown[];
  images?: { plugins: { program: string; path: string; name: string; via: string }[]; loads: string[]; verdicts: { target: string; verdict: string; decidedBy: string }[] }[];
}

const MLIB = `#include <stdio.h>
int mgreet(void) { return puts("musl library"); }
`;
const MPROG = `int mgreet(void);
int main(void) { return mgreet() < 0; }
`;

let work: string;
const put = (root: string, rel: string, from: string): void => {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  copyFileSync(from, join(root, rel));
};
const text = (root: string, rel: string, content: string): void => {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
};
const cc = (compiler: string, args: string[]): void => {
  execFileSync(compiler, ["-O1", ...args], { cwd: work, stdio: ["ignore", "ignore", "inherit"] });
};

function scan(image: string): Report {
  // One cache for the file's scans: the image's libc is analysed once.
  const r = runCli(["scan", image, "--target", "linux,nanos", "--format", "json", "--fail-on", "none"], { UNIFIT_CACHE_DIR: join(work, "cache") });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Report;
}
const inner = (r: Report, p: string): Report["files"][number] | undefined => r.files.find((f) => f.path.endsWith(`:${p}`));

describe("musl's library path in images", () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), "unifit-loaders-"));
    for (const [name, body] of Object.entries({ "mlib.c": MLIB, "mprog.c": MPROG })) writeFileSync(join(work, name), body);
    cc("musl-gcc", ["-shared", "-fPIC", "-o", "libmgreet.so", "mlib.c"]);
    cc("musl-gcc", ["-o", "mprog", "mprog.c", "-L.", "-lmgreet"]);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("finds a musl program's libraries through the image's /etc/ld-musl-x86_64.path, never its ld.so.conf", () => {
    const musl = execFileSync("readlink", ["-f", "/lib/ld-musl-x86_64.so.1"], { encoding: "utf8" }).trim();
    const layer = (name: string, pathFile: boolean): string => {
      const root = join(work, name);
      put(root, "lib/ld-musl-x86_64.so.1", musl);
      put(root, "opt/musl/lib/libmgreet.so", join(work, "libmgreet.so"));
      put(root, "usr/bin/mprog", join(work, "mprog"));
      chmodSync(join(root, "usr/bin/mprog"), 0o755);
      // The glibc loader's configuration names the directory too: musl's loader must not read it.
      text(root, "etc/ld.so.conf", "/opt/musl/lib\n");
      if (pathFile) text(root, "etc/ld-musl-x86_64.path", "/lib\n/opt/musl/lib:/usr/lib\n");
      return root;
    };
    const withPath = join(work, "musl.tar");
    const without = join(work, "musl-nopath.tar");
    dockerArchive({ layers: [layer("musl-a", true)], entrypoint: ["/usr/bin/mprog"] }, withPath);
    dockerArchive({ layers: [layer("musl-b", false)], entrypoint: ["/usr/bin/mprog"] }, without);
    const libs = (r: Report): [string, string | undefined][] => (inner(r, "/usr/bin/mprog")?.binary?.libraries ?? []).map((l) => [l.name, l.path]);
    const a = scan(withPath);
    assert.deepEqual(a.errors, []);
    assert.deepEqual(libs(a), [
      ["libc.so", "/lib/ld-musl-x86_64.so.1"],
      ["libmgreet.so", "/opt/musl/lib/libmgreet.so"],
    ]);
    const b = scan(without);
    assert.deepEqual(
      libs(b).map(([n, p]) => [n, p ?? null]),
      [
        ["libc.so", "/lib/ld-musl-x86_64.so.1"],
        ["libmgreet.so", null],
      ],
    );
    assert.ok(inner(b, "/usr/bin/mprog")?.uncertainties.some((u) => u.kind === "missing-library" && /libmgreet\.so/.test(u.message)));
  });
});
