// @fileoverview A scan worker thread: loads the database and rules once, then scans each file path it is sent and
// posts the outcome back (the FileReport, or its JSON and verdicts when the scan streams; or an InputError).

import { parentPort, workerData } from "node:worker_threads";
import { LibrarySession } from "../analyze/libraries.js";
import { loadDatabase, withTargetFiles } from "../db/load.js";
import type { WorkerSetup } from "./parallel.js";
import type { FileReport, InputError } from "../types.js";
import { outcome } from "./parallel.js";
import { rulesFor, scanFile, selectTargets, withRuleSettings } from "./scan.js";
import type { FileOptions } from "./scan.js";

const setup = workerData as WorkerSetup;
const db = withTargetFiles(loadDatabase(setup.dbDir), setup.targetFiles);
const surfaces = selectTargets(db, setup.targets);
// One library session for the worker's lifetime: the libraries its files share are read and followed once.
const options: FileOptions = { rules: withRuleSettings(rulesFor(db, undefined), setup.ruleSettings), session: new LibrarySession() };
if (setup.sysroot !== undefined) options.sysroot = setup.sysroot;
if (setup.ignores !== undefined) options.ignores = setup.ignores;
if (setup.sources !== undefined) options.sources = setup.sources;

parentPort?.on("message", (m: { index: number; path: string }) => {
  // The file's time budget runs from here (see pool.ts).
  parentPort?.postMessage({ started: m.index });
  let result: FileReport | InputError;
  try {
    result = scanFile(m.path, db, surfaces, options);
  } catch (e) {
    // An unexpected failure on one file is that file's error; the other files go on.
    result = { path: m.path, code: "INTERNAL", message: `internal error: ${(e as Error).message}` };
  }
  parentPort?.postMessage(outcome(m.index, result, setup.serialise));
});
