// @fileoverview What a program of an image loads beyond its DT_NEEDED, and how a musl program finds its libraries:
// a glibc program (gcc) that dlopens a plugin by a literal name, the plugin found inside the image through its
// ld.so.conf and deciding the image's verdict; a musl program (musl-gcc) whose library directory only the image's
// /etc/ld-musl-x86_64.path names (musl's loader never reads ld.so.conf), with libc.so answered by the loader itself.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { dockerArchive } from "../helpers/image.js";
import { CACHE } from "../helpers/paths.js";
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

const HOST = `#include <dlfcn.h>
#include <stdio.h>
int main(void) {
  void *h = dlopen("libgreet.so", RTLD_NOW);
  if (h == NULL) return 1;
  void (*greet)(void) = (void (*)(void))dlsym(h, "greet");
  if (greet != NULL) greet();
  puts("done");
  return 0;
}
`;
const PLUGIN = `#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
void greet(void) {
  pid_t p = fork();
  if (p == 0) { puts("hello from a child"); _exit(0); }
  waitpid(p, NULL, 0);
}
`;
const MLIB = `#include <stdio.h>
int mgreet(void) { return puts("musl library"); }
`;
const MPROG = `int mgreet(void);
int main(void) { return mgreet() < 0; }
`;

const libc6 = (...p: string[]): string => join(CACHE, "debian", "libc6", ...p);

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

describe("plugins and musl's library path in images", () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), "unifit-loaders-"));
    for (const [name, body] of Object.entries({ "host.c": HOST, "plugin.c": PLUGIN, "mlib.c": MLIB, "mprog.c": MPROG })) writeFileSync(join(work, name), body);
    cc("gcc", ["-o", "host", "host.c"]);
    cc("gcc", ["-shared", "-fPIC", "-o", "libgreet.so", "plugin.c"]);
    cc("musl-gcc", ["-shared", "-fPIC", "-o", "libmgreet.so", "mlib.c"]);
    cc("musl-gcc", ["-o", "mprog", "mprog.c", "-L.", "-lmgreet"]);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("links a plugin the program dlopens by name to it, and lets the plugin decide the image's verdict", () => {
    const base = join(work, "glibc-base");
    const app = join(work, "glibc-app");
    for (const lib of ["ld-linux-x86-64.so.2", "libc.so.6"]) put(base, `lib/x86_64-linux-gnu/${lib}`, libc6("lib", "x86_64-linux-gnu", lib));
    put(base, "lib64/ld-linux-x86-64.so.2", libc6("lib64", "ld-linux-x86-64.so.2"));
    text(base, "etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n");
    text(base, "etc/ld.so.conf.d/app.conf", "/opt/app/lib\n");
    put(app, "opt/app/bin/host", join(work, "host"));
    chmodSync(join(app, "opt/app/bin/host"), 0o755);
    // Found through a link, as packages install plugins.
    put(app, "opt/app/lib/libgreet.so.1", join(work, "libgreet.so"));
    symlinkSync("libgreet.so.1", join(app, "opt/app/lib/libgreet.so"));
    const image = join(work, "plugin.tar");
    dockerArchive({ layers: [base, app], entrypoint: ["/opt/app/bin/host"] }, image);
    const r = scan(image);
    assert.deepEqual(r.errors, []);
    const im = r.images?.[0];
    assert.deepEqual(im?.plugins, [{ program: "/opt/app/bin/host", path: "/opt/app/lib/libgreet.so", name: "libgreet.so", via: "dlopen" }]);
    assert.ok(im?.loads.includes("/opt/app/lib/libgreet.so.1"), JSON.stringify(im?.loads));
    // The report leads with the program, then what it loads, the plugin among them.
    assert.deepEqual(r.files.slice(0, 1).map((f) => f.path.slice(f.path.indexOf(":") + 1)), ["/opt/app/bin/host"]);
    // The program alone does not fork; the plugin it loads does, and the image is blocked on nanos because of it.
    const nanos = (f: Report["files"][number] | undefined): string | undefined => f?.targets.find((t) => t.target === "nanos")?.verdict;
    assert.notEqual(nanos(inner(r, "/opt/app/bin/host")), "blocked");
    assert.equal(nanos(inner(r, "/opt/app/lib/libgreet.so.1")), "blocked");
    const verdict = im?.verdicts.find((v) => v.target === "nanos");
    assert.deepEqual([verdict?.verdict, verdict?.decidedBy], ["blocked", "programs"]);
    const t = runCli(["scan", image, "--target", "nanos", "--fail-on", "none"], { UNIFIT_CACHE_DIR: join(work, "cache") });
    assert.match(t.stdout, /plugin {2}\/opt\/app\/lib\/libgreet\.so {2}dlopen\("libgreet\.so"\) by \/opt\/app\/bin\/host/);
  });

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
