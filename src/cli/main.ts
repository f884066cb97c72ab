#!/usr/bin/env node
// @fileoverview The `unifit` executable: runs the program on process.argv and sets the exit code.

import { run } from "./program.js";

// A reader that stops early (`unifit scan … | head`) closes the pipe: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
