// @fileoverview Recall through function pointers a library stores in its own data: programs built at test time
// against Debian's libevent (an event loop on the epoll back-end, reached through `eventops[]`) and libsqlite3 (a
// file database, whose unix VFS makes its calls through `aSyscall[]`) run under `strace -f`; every syscall observed
// must be in `unifit scan --format json`'s inventory, and the ones only the tables lead to are marked viaPointer.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { compile } from "../helpers/compile.js";
import { ROOT } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";
import { traceProgram } from "../helpers/strace.js";

/** restart_syscall is issued by the kernel's signal-return path, not by an instruction of the program (see scan-vs-strace). */
const NOT_FROM_THE_IMAGE = new Set(["restart_syscall"]);

interface JsonVia {
  kind: string;
  function?: string;
  library?: string;
  viaPointer?: boolean;
}
interface JsonReport {
  files: { path: string; syscalls: { name: string; via: JsonVia[] }[] }[];
}

function scanJson(bin: string): JsonReport {
  const r = runCli(["scan", bin, "--format", "json", "--fail-on", "none", "--target", "nanos"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as JsonReport;
}

const work = mkdtempSync(join(tmpdir(), "unifit-pointers-"));
const cases = [
  {
    name: "libevent-loop",
    header: "/usr/include/event2/event.h",
    flags: ["-levent"],
    args: [] as string[],
    // epoll_init/epoll_dispatch are static functions only eventops[] (via epollops) points to; the export whose code
    // reads eventops[] is event_base_new_with_config.
    pointer: { syscall: "epoll_wait", library: "libevent-2.1.so.7" },
  },
  {
    name: "sqlite-file",
    header: "/usr/include/sqlite3.h",
    flags: ["-lsqlite3"],
    args: [join(work, "test.db")],
    // aSyscall[] holds libc's pwrite64; unixWrite (in the unix VFS's io-methods table) calls it through the table.
    pointer: { syscall: "pwrite64", library: "libsqlite3.so.0" },
  },
];

describe("recall through function pointers stored in library data", () => {
  for (const c of cases) {
    it(`${c.name}: every observed syscall is reported`, { skip: existsSync(c.header) ? false : "run test/setup/prepare.sh" }, (t) => {
      const bin = compile(join(ROOT, "test", "oracle", "programs", "libs", `${c.name}.c`), c.flags);
      const observed = traceProgram([bin, ...c.args], { cwd: work });
      const report = scanJson(bin);
      const file = report.files[0];
      assert.ok(file !== undefined);
      const reported = new Set(file.syscalls.map((s) => s.name));
      const missing = [...observed].filter((s) => !reported.has(s) && !NOT_FROM_THE_IMAGE.has(s)).sort();
      t.diagnostic(`${c.name}: static ${reported.size} syscalls, observed ${observed.size}, missing ${missing.length}`);
      assert.deepEqual(missing, [], `observed under strace but not reported: ${missing.join(", ")}`);
      // The table's syscall is really made, and the report says it is reached only through a stored pointer.
      assert.ok(observed.has(c.pointer.syscall), `${c.pointer.syscall} observed`);
      const row = file.syscalls.find((s) => s.name === c.pointer.syscall);
      assert.ok(
        row !== undefined && row.via.length > 0 && row.via.every((v) => v.kind === "library" && v.library === c.pointer.library && v.viaPointer === true),
        `${c.pointer.syscall} only via ${c.pointer.library} (viaPointer): ${JSON.stringify(row?.via)}`,
      );
    });
  }
});
