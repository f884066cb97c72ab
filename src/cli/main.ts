#!/usr/bin/env node
// @fileoverview The `unifit` executable: runs the program on process.argv and sets the exit code.

import { run } from "./program.js";

process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
