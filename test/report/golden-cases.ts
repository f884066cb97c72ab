// @fileoverview What the golden reports are made from, shared by test/report/golden.unit.test.ts and
// scripts/update-goldens.mjs: the fixture programs, the scan flags, every format written from one scan, and the
// version redacted (ruff's snapshots redact theirs), so that a release does not change the goldens.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";
import type { CliResult } from "../helpers/run-cli.js";
import { VERSION, formatters } from "../../src/index.js";

export const GOLDEN_DIR = join(ROOT, "test", "report", "golden");

/** A binary (the bundled sample) and a C source, relative to the root so that paths in the output are too. */
export const INPUTS = ["fixtures/sample/prefork-server", "fixtures/chains/serve.c"];

/** Libraries are not read, so the goldens do not depend on the libc of the machine; three targets (warnings, blockers). */
export const FLAGS = ["--no-libraries", "--fail-on", "blocker", "-t", "gvisor,nanos,osv"];

export const FORMATS = Object.keys(formatters).sort();

/** The tool's version, wherever a format prints it, as <version>. */
export function redact(text: string): string {
  return text.replace(new RegExp(`(?<![\\d.])${VERSION.replace(/\./g, "\\.")}(?![\\d.])`, "g"), "<version>");
}

export interface Rendered {
  run: CliResult;
  /** format → output, version redacted. */
  outputs: Map<string, string>;
}

/** One scan writing every format to its own file (json is then not streamed), with --jobs. */
export function renderAll(jobs: number): Rendered {
  const dir = mkdtempSync(join(tmpdir(), "unifit-golden-"));
  try {
    const args = ["scan", ...INPUTS, ...FLAGS, "-j", String(jobs), ...FORMATS.map((f) => `-f${f}=${join(dir, `out.${f}`)}`)];
    const run = runCli(args);
    const outputs = new Map(FORMATS.map((f) => [f, redact(readFileSync(join(dir, `out.${f}`), "utf8"))]));
    return { run, outputs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The streamed JSON report (json alone, to standard output). */
export function renderStreamedJson(jobs: number): string {
  return redact(runCli(["scan", ...INPUTS, ...FLAGS, "-j", String(jobs), "-f", "json"]).stdout);
}

export const goldenPath = (format: string): string => join(GOLDEN_DIR, `sample.${format}`);
