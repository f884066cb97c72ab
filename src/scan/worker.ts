// @fileoverview A scan worker thread (a piscina task module, see pool.ts): loads the database and rules once, then
// scans each file it is given and returns the outcome: a file by its path (the FileReport, or its JSON and verdicts
// when the scan streams; or an InputError), or a file of an image by its path inside the image's shared view.

import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
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

/**
 * What a worker's heap and the external memory it holds (file buffers) may grow by, over what the last collection
 * left, before it is collected at the end of a file. V8 collects when the heap grows past a limit set from the last
 * collection, and counts external memory only loosely: after a large file (node's 99 MB binary) its buffer and its
 * analysis stayed resident for several more files, beside the other workers' files in flight. Measured from what the
 * last collection left, not as a fixed level: a worker whose library session and database sit near a fixed level
 * collected after nearly every file (71 collections, a third more CPU time on /usr/bin).
 */
const COLLECT_GROWTH_BYTES = 64 * 1024 * 1024;
// The one way to collect on demand: `gc`, exposed to a new context by the flag (V8's flags are the process's).
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;
/** Heap in use plus external memory after the last collection (or at start). */
let floor = inUse();

function inUse(): number {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}

/** A file's task, then a collection when what it leaves behind has grown past the bound. */
export default function run(task: WorkerTask): WorkerResult | ImageFileResult | InputError {
  const result = runTask(task);
  if (inUse() > floor + COLLECT_GROWTH_BYTES) {
    collect();
    floor = inUse();
  }
  return result;
}

function runTask(task: WorkerTask): WorkerResult | ImageFileResult | InputError {
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
