#!/usr/bin/env node
// @fileoverview The `unifit` executable: runs the program on process.argv and sets the exit code.

import { setFlagsFromString } from "node:v8";
import { run } from "./program.js";

// A scan is one long batch whose peak memory is what users meet (issue 15: under 500 MB for a scan of /usr/bin).
// V8 lets a heap grow to up to 4 times what its last full collection left (the main thread's 4 GB limit; about 1.6
// times in a worker, whose limit is --file-memory) before it collects again: that headroom is garbage, in the main
// thread and in every worker, all of it in the process's resident set. A fixed 20% growth bounds it (V8's flags are
// the process's, so the worker threads started later have it too). Figures in bench/README.md ("Memory").
const HEAP_GROWING_PERCENT = 20;
setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
// Optimising compilation on V8's background threads left each of them a malloc arena of about 16 MB that glibc keeps;
// the workers started after this line compile on their own thread (the main thread's isolate, made already, keeps
// its way). /usr/bin -f json -j2: 549 -> 487 MB peak. The GC's threading cannot be changed so late (V8 aborts).
setFlagsFromString("--no-concurrent-recompilation");

// A reader that stops early (`unifit scan … | head`) closes the pipe: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
