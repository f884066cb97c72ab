// @fileoverview A scan worker thread (a piscina task module, see pool.ts): loads the database and rules once, then
// scans each file it is given and returns the outcome: a file by its path (the FileReport, or its JSON and verdicts
// when the scan streams; or an InputError), or a file of an image by its path inside the image's shared view.

import { parentPort, workerData } from "node:worker_threads";
import { LibrarySession } from "../analyze/libraries.js";
import { loadDatabase, withTargetFiles } from "../db/load.js";
import { MemView } from "../image/mem-view.js";
import type { SharedView } from "../image/mem-view.js";
import type { Rule } from "../rules/types.js";
import type { FileReport, InputError, Severity } from "../types.js";
import type { Ignore } from "../verdict/suppress.js";
import { analyseImageFile } from "./image.js";
import type { ImageFileResult } from "./image.js";
import { outcome } from "./parallel.js";
import type { WorkerResult } from "./parallel.js";
import { rulesFor, scanFile, selectTargets, withRuleSettings } from "./scan.js";
import type { FileOptions } from "./scan.js";
import type { SourceIndex } from "./join.js";

/** What every worker is told once, at start. */
export interface WorkerSetup {
  targets: readonly string[];
  sysroot: string | null | undefined;
  dbDir: string | undefined;
  targetFiles: readonly string[];
  ruleSettings?: Readonly<Record<string, "off" | Severity>>;
  ignores?: readonly Ignore[];
  /** Send reports serialised (streaming) rather than as objects. */
  serialise: boolean;
  /** The sources scanned with the binaries (FileOptions.sources). */
  sources?: SourceIndex;
}

/** One task: `id` names it to the pool (its budget's clock), the rest says which file. */
export type WorkerTask =
  | { id: number; kind: "file"; index: number; path: string }
  | {
      id: number;
      kind: "image";
      /** The file's path inside the image, and what the report calls it. */
      path: string;
      label: string;
      /** Its cache entry's key (see image.ts). */
      key: string;
      /** Whether libraries are read from the image (false: the curated maps only). */
      libraries: boolean;
      view: SharedView;
    };

/** A task as it is handed to the pool (which names it). */
export type NewTask = WorkerTask extends infer T ? (T extends WorkerTask ? Omit<T, "id"> : never) : never;

const setup = workerData as WorkerSetup;
const db = withTargetFiles(loadDatabase(setup.dbDir), setup.targetFiles);
const surfaces = selectTargets(db, setup.targets);
// One library session for the worker's lifetime: the libraries its files share are read and followed once.
const session = new LibrarySession();
const options: FileOptions = { rules: withRuleSettings(rulesFor(db, undefined), setup.ruleSettings), session };
if (setup.sysroot !== undefined) options.sysroot = setup.sysroot;
if (setup.ignores !== undefined) options.ignores = setup.ignores;
if (setup.sources !== undefined) options.sources = setup.sources;
// An image's files are rated with the plain rules, as in the main thread (image.ts).
let imageRules: readonly Rule[] | undefined;
// The view of the image being scanned, rebuilt once per worker from its shared form.
let image: { id: string; view: MemView } | undefined;

export default function run(task: WorkerTask): WorkerResult | ImageFileResult | InputError {
  // The file's time budget runs from here (see pool.ts).
  parentPort?.postMessage({ started: task.id });
  if (task.kind === "image") {
    if (image?.id !== task.view.id) image = { id: task.view.id, view: MemView.fromShared(task.view) };
    imageRules ??= rulesFor(db, undefined);
    try {
      const r = analyseImageFile(image.view, task.path, task.label, task.key, { db, surfaces, rules: imageRules, libraries: task.libraries, session });
      // The report goes back as its JSON alone (one string to copy, not an object graph to clone).
      if (!("code" in r)) delete r.report;
      return r;
    } catch (e) {
      return { path: task.label, code: "INTERNAL", message: `internal error: ${(e as Error).message}` };
    }
  }
  let result: FileReport | InputError;
  try {
    result = scanFile(task.path, db, surfaces, options);
  } catch (e) {
    // An unexpected failure on one file is that file's error; the other files go on.
    result = { path: task.path, code: "INTERNAL", message: `internal error: ${(e as Error).message}` };
  }
  return outcome(task.index, result, setup.serialise);
}
