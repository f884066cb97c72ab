// @fileoverview The regression corpus of `npm run fuzz` (scripts/fuzz.mjs): each input it found that hung, crashed,
// took more than 1 GB or was lost, as a recipe that makes it again at test time from real inputs (nothing is
// committed as bulk). corpus.test.ts replays every entry. Findings from before this file are replayed where they
// were fixed: a million nested calls in one initialiser (seed 1502) and the other odd C/C++ files in
// odd-sources.test.ts, `.text` full of syscall instructions in dense-syscalls.test.ts, many calls in one function in
// many-calls.test.ts, a file name that is not UTF-8 in test/input/walk-errors.test.ts.

import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compile } from "../helpers/compile.js";
import { dockerArchive, ociLayout } from "../helpers/image.js";
import { debianBinary, fixture } from "../helpers/paths.js";

export interface Finding {
  name: string;
  /** How the fuzzer found it, and what it did before the fix. */
  found: string;
  /** Makes the input under `dir` (an empty directory). */
  make(dir: string): Replay;
}

export interface Replay {
  /** The scan's arguments (before the good program the test adds). */
  args: string[];
  /** The error lines the input must give, one each, after "unifit: <path>: " (in any order). */
  errors?: RegExp[];
  /** A tighter bound on the peak than the corpus's 1 GB, in MB, where what was found grew with repetition. */
  peakMb?: number;
  /** Scanned without root's override of file permissions (when the test runs as root), so a mode 000 entry is unreadable. */
  unprivileged?: boolean;
  /**
   * For a file the scan must read as if it were absent: the test removes it, scans, calls `damage` to put the odd
   * file there, scans again and wants the same report and no error line.
   */
  absent?: { file: string; damage: (file: string) => void };
}

const mkfifo = (p: string): void => {
  rmSync(p, { recursive: true, force: true });
  execFileSync("mkfifo", [p]);
};
const linkTo = (target: string, p: string): void => {
  rmSync(p, { recursive: true, force: true });
  symlinkSync(target, p);
};

/** A --sysroot tree as Debian lays it out (Debian 12's libc, /lib a link to usr/lib), and a dynamic program in it. */
function sysroot(dir: string): { root: string; program: string } {
  const root = join(dir, "root");
  const libdir = join(root, "usr", "lib", "x86_64-linux-gnu");
  mkdirSync(join(root, "etc", "ld.so.conf.d"), { recursive: true });
  mkdirSync(join(root, "usr", "bin"), { recursive: true });
  mkdirSync(libdir, { recursive: true });
  symlinkSync("usr/lib", join(root, "lib"));
  for (const lib of ["libc.so.6", "ld-linux-x86-64.so.2"]) copyFileSync(debianBinary("libc6", `lib/x86_64-linux-gnu/${lib}`), join(libdir, lib));
  writeFileSync(join(root, "etc", "ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n");
  writeFileSync(join(root, "etc", "ld.so.conf.d", "x86_64-linux-gnu.conf"), "/usr/lib/x86_64-linux-gnu\n");
  const program = join(root, "usr", "bin", "prefork-server");
  copyFileSync(compile(fixture("sample", "prefork-server.c")), program);
  return { root, program };
}

/** An OCI layout directory of one gzip layer holding a static program. */
function layout(dir: string): string {
  const layer = join(dir, "layer");
  mkdirSync(join(layer, "bin"), { recursive: true });
  copyFileSync(compile(fixture("sample", "prefork-server.c"), ["-static"]), join(layer, "bin", "server"));
  const image = join(dir, "image");
  ociLayout({ layers: [layer], entrypoint: ["/bin/server"] }, image);
  return image;
}

/** The largest blob of a layout (its layer). */
function layerBlob(image: string): string {
  const blobs = join(image, "blobs", "sha256");
  const names = readdirSync(blobs).sort((a, b) => statSync(join(blobs, b)).size - statSync(join(blobs, a)).size);
  return join(blobs, names[0] as string);
}

export const CORPUS: Finding[] = [
  {
    name: "docker archive whose manifest names its one layer 1,800 times",
    found: "fuzz seed 20261205, input 46 (2026-12-03): each mention read the layer again and kept another copy of its 780 KB program, 1.4 GB in all",
    make(dir) {
      const layer = join(dir, "layer");
      mkdirSync(join(layer, "bin"), { recursive: true });
      copyFileSync(compile(fixture("sample", "prefork-server.c"), ["-static"]), join(layer, "bin", "prog"));
      const archive = join(dir, "image.tar");
      // Built once to learn the layer's name (its digest), then again with the manifest repeating it.
      dockerArchive({ layers: [layer], entrypoint: ["nothing-here"] }, archive);
      const name = execFileSync("tar", ["-tf", archive], { encoding: "utf8" }).split("\n").find((n) => n.endsWith("/layer.tar")) as string;
      // A member that is neither JSON nor a layer, as `docker save` writes beside each layer.
      dockerArchive({ layers: [layer], entrypoint: ["nothing-here"] }, archive, { manifestLayers: Array<string>(1800).fill(name), extra: { [name.replace("layer.tar", "VERSION")]: "1.0" } });
      // Read once, the image peaks near 140 MB; before, 390 MB to 1.4 GB (as soon as the garbage collector let the
      // shared buffers of the superseded copies go).
      return { args: [archive], errors: [/^the entrypoint nothing-here, which the image does not hold$/], peakMb: 300 };
    },
  },
  {
    name: "--sysroot whose etc/ld.so.conf is a FIFO",
    found: "fuzz rotation 'sysroot:conf-fifo' (2026-12-02): the read of ld.so.conf blocked forever",
    make(dir) {
      const { root, program } = sysroot(dir);
      return { args: [program, "--sysroot", root], absent: { file: join(root, "etc", "ld.so.conf"), damage: mkfifo } };
    },
  },
  {
    name: "--sysroot whose ld.so.conf.d file links to /dev/zero",
    found: "fuzz rotation 'sysroot:conf-zero' (2026-12-02): read /dev/zero until Node's 2 GiB limit",
    make(dir) {
      const { root, program } = sysroot(dir);
      return { args: [program, "--sysroot", root], absent: { file: join(root, "etc", "ld.so.conf.d", "x86_64-linux-gnu.conf"), damage: (f) => linkTo("/dev/zero", f) } };
    },
  },
  {
    name: "OCI layout directory whose index.json is a FIFO",
    found: "fuzz rotation 'image:oci-dir:fifo' (2026-12-02): the read of index.json blocked forever",
    make(dir) {
      const image = layout(dir);
      mkfifo(join(image, "index.json"));
      return { args: [image], errors: [/^index\.json is not a regular file of at most 4194304 bytes: not read$/] };
    },
  },
  {
    name: "OCI layout directory whose index.json links to /dev/zero",
    found: "fuzz rotation 'image:oci-dir:zero' (2026-12-02): read /dev/zero until killed",
    make(dir) {
      const image = layout(dir);
      linkTo("/dev/zero", join(image, "index.json"));
      return { args: [image], errors: [/^index\.json is not a regular file of at most 4194304 bytes: not read$/] };
    },
  },
  {
    name: "OCI layout directory whose layer blob is a FIFO",
    found: "fuzz rotation 'image:oci-dir:fifo' (2026-12-02): the layer's read stream waited forever for a writer",
    make(dir) {
      const image = layout(dir);
      mkfifo(layerBlob(image));
      return { args: [image], errors: [/^the manifest names layer blobs\/sha256\/[0-9a-f]{64}, which is not a regular file: not read$/] };
    },
  },
  {
    name: "root file system with an unreadable program and directory and a program whose name is not UTF-8",
    found: "fuzz rotation 'rootfs:unreadable', 'rootfs:locked', 'rootfs:badname' (2026-12-02, as nobody): left out silently, exit 1",
    make(dir) {
      const root = join(dir, "root");
      const bin = join(root, "usr", "bin");
      for (const d of [join(root, "etc"), join(root, "lib"), bin, join(root, "usr", "locked")]) mkdirSync(d, { recursive: true });
      const program = compile(fixture("sample", "prefork-server.c"), ["-static"]);
      copyFileSync(program, join(bin, "server"));
      copyFileSync(program, join(bin, "secret"));
      chmodSync(join(bin, "secret"), 0o000);
      copyFileSync(program, join(root, "usr", "locked", "server"));
      chmodSync(join(root, "usr", "locked"), 0o000);
      writeFileSync(Buffer.concat([Buffer.from(join(bin, "bad-")), Buffer.from([0xff])]), readFileSync(program));
      return {
        args: [root],
        unprivileged: true,
        errors: [
          /^\/usr\/bin\/bad-\\xff: the file name is not valid UTF-8: not scanned \(shown with \\x escapes\)$/,
          /^\/usr\/bin\/secret: the file cannot be read \(EACCES\): not scanned$/,
          /^\/usr\/locked: the directory cannot be read \(EACCES\): not scanned$/,
        ],
      };
    },
  },
];
