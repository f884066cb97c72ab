// @fileoverview `unifit scan` on container images built here from Debian 12 packages (test/image/fixture.ts): a
// `docker save` archive, an OCI layout (directory and tar, gzip and zstd layers) and the root file system they
// make give the same findings; libraries come from the image (liblzf and libjemalloc are not on this machine);
// the entrypoint script is followed to the server it execs, and the report leads with it.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { dockerArchive, ociLayout, rootfsOf, tarDir } from "../helpers/image.js";
import { ROOT } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";
import { libraryFactsCache, stageRedisImage } from "./fixture.js";

interface Report {
  files: { path: string; binary?: { libraries: { name: string; path?: string; functions: number }[] }; uncertainties: { kind: string; message: string }[] }[];
  errors: { path: string; code: string; message: string }[];
  images?: {
    kind: string;
    programs: { path: string; role: string; kind: string; from?: string }[];
    loads: string[];
    elfFiles: number;
    verdicts: { target: string; verdict: string; decidedBy: string; files: Record<string, number> }[];
  }[];
}

let work: string;
let libCache: string;

/** Each form's files are analysed again, the libraries (the same bytes in every form) are not analysed thrice. */
const freshCache = (): string => libraryFactsCache(work, libCache);

function scan(args: string[], cache: string): { code: number; report: Report; stderr: string } {
  const r = runCli(["scan", ...args, "--target", "linux,nanos", "--format", "json"], { UNIFIT_CACHE_DIR: cache });
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

/** Files by their path inside the image, without the image's own path. */
function byInnerPath(r: Report): Map<string, unknown> {
  return new Map(r.files.map((f) => [f.path.slice(f.path.indexOf(":") + 1), { ...f, path: undefined }]));
}

describe("container images", () => {
  const forms: Record<string, string[]> = {};
  const reports: Record<string, Report> = {};
  before(() => {
    const staged = stageRedisImage();
    work = staged.work;
    dockerArchive(staged.spec, join(work, "docker.tar"));
    ociLayout(staged.spec, join(work, "oci"), { zstd: true });
    tarDir(join(work, "oci"), join(work, "oci.tar"));
    rootfsOf(staged.spec.layers, join(work, "rootfs"));
    forms.docker = [join(work, "docker.tar")];
    forms.ociDir = [join(work, "oci")];
    forms.ociTar = [join(work, "oci.tar")];
    forms.rootfs = ["--rootfs", join(work, "rootfs")];
    libCache = join(work, "cache-first");
    mkdirSync(libCache);
    for (const [name, args] of Object.entries(forms)) {
      const cache = name === "docker" ? libCache : freshCache();
      const r = scan(args, cache);
      assert.equal(r.code, 1, `${name}: ${r.stderr}`); // nanos blocks the server
      assert.deepEqual(r.report.errors, [], name);
      reports[name] = r.report;
      // The OCI forms' programs come out of gzip and zstd layers into a scratch file: gone once the scan is over.
      assert.deepEqual(readdirSync(cache).filter((n) => n.startsWith("image-")), [], name);
    }
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("finds the same files with the same findings in every form, the extracted tree included", () => {
    const docker = byInnerPath(reports.docker as Report);
    assert.ok(docker.size >= 10, `${docker.size} files`);
    for (const name of ["ociDir", "ociTar", "rootfs"]) assert.deepEqual(byInnerPath(reports[name] as Report), docker, name);
    // A second scan reads every file's report from the cache (passed on as the text stored): the same report.
    const warm = scan(forms.docker as string[], libCache);
    assert.deepEqual(warm.report, reports.docker);
    // The whiteout removed redis-benchmark; the opaque directory hid the base layer's docs.
    assert.ok(!docker.has("/usr/bin/redis-benchmark"));
    assert.ok(docker.has("/usr/bin/redis-cli"));
  });

  it("reads the libraries from the image, not from this machine", () => {
    const host = execFileSync("ldconfig", ["-p"], { encoding: "utf8" });
    assert.doesNotMatch(host, /liblzf\.so\.1 /, "precondition: this machine has no liblzf");
    const server = (reports.docker as Report).files.find((f) => f.path.endsWith(":/usr/bin/redis-check-rdb"));
    const libs = new Map((server?.binary?.libraries ?? []).map((l) => [l.name, l]));
    // liblzf.so.1 is a link to liblzf.so.1.5 in the package: found through it, inside the image.
    assert.equal(libs.get("liblzf.so.1")?.path, "/usr/lib/x86_64-linux-gnu/liblzf.so.1");
    assert.equal(libs.get("libjemalloc.so.2")?.path, "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2");
    assert.ok((libs.get("libjemalloc.so.2")?.functions ?? 0) > 0, "imports bound to the image's libjemalloc");
    assert.ok(!(server?.uncertainties ?? []).some((u) => u.kind === "missing-library" && /liblzf|libjemalloc/.test(u.message)));
    // The same binary scanned on its own reads this machine's libraries, where liblzf is missing.
    const alone = runCli(["scan", join(work, "rootfs", "usr", "bin", "redis-check-rdb"), "--target", "linux", "--format", "json"]);
    const own = JSON.parse(alone.stdout) as Report;
    assert.ok(own.files[0]?.uncertainties.some((u) => u.kind === "missing-library" && /liblzf/.test(u.message)), alone.stderr);
  });

  it("leads with the entrypoint script, the shell it runs on and the server it execs, then what the server loads", () => {
    const r = reports.ociTar as Report;
    const image = r.images?.[0];
    assert.equal(image?.kind, "oci-layout");
    assert.deepEqual(
      image?.programs.map((p) => [p.role, p.path, p.kind]),
      [
        ["entrypoint", "/usr/local/bin/docker-entrypoint.sh", "script"],
        ["interpreter", "/bin/busybox", "elf"],
        ["exec", "/usr/bin/redis-check-rdb", "elf"],
      ],
    );
    assert.ok(image?.loads.includes("/usr/lib/x86_64-linux-gnu/liblzf.so.1.5"));
    const inner = r.files.map((f) => f.path.slice(f.path.indexOf(":") + 1));
    assert.deepEqual(inner.slice(0, 2), ["/bin/busybox", "/usr/bin/redis-check-rdb"]);
    assert.deepEqual(new Set(inner.slice(2, 2 + (image?.loads.length ?? 0))), new Set(image?.loads));
    // One verdict per target for the image, decided by the programs that run, with counts over all its files.
    const nanos = image?.verdicts.find((v) => v.target === "nanos");
    assert.equal(nanos?.verdict, "blocked");
    assert.equal(nanos?.decidedBy, "programs");
    assert.equal(Object.values(nanos?.files ?? {}).reduce((a, b) => a + b, 0), image?.elfFiles);
    // A root file system has no configuration: its verdict is over every file.
    assert.equal((reports.rootfs as Report).images?.[0]?.verdicts[0]?.decidedBy, "all-files");
  });

  it("validates against the report schema and prints the image first in text", () => {
    const schema = JSON.parse(readFileSync(join(ROOT, "docs", "report.schema.json"), "utf8"));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    assert.ok(validate(reports.docker), JSON.stringify(validate.errors, null, 2));
    const t = runCli(["scan", join(work, "docker.tar"), "--target", "linux,nanos"], { UNIFIT_CACHE_DIR: libCache });
    const lines = t.stdout.split("\n");
    assert.match(lines[0] ?? "", /^image .*docker\.tar \(docker-archive, 2 layers, linux\/amd64\)/);
    assert.match(t.stdout, /runs {2}docker-entrypoint\.sh --port 6379/);
    assert.match(t.stdout, /nanos +blocked/);
  });
});
