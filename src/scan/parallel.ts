// @fileoverview scanPaths over several worker threads: the main thread expands the paths and hands files out one at
// a time (large binaries do not hold up a batch); each worker loads the database (cached) and scans what it gets.
// The report is assembled and sorted as scanPaths does, so the bytes out do not depend on the number of workers.

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { loadDatabase, withTargetFiles } from "../db/load.js";
import { expandPaths } from "../input/expand.js";
import type { Input } from "../input/expand.js";
import type { FailOn, FileReport, InputError, Report } from "../types.js";
import { assembleReport, scanPaths, selectTargets } from "./scan.js";

export interface ParallelOptions {
  targets?: readonly string[];
  failOn?: FailOn;
  sysroot?: string | null;
  /** syscall-db directory (the package's by default). */
  dbDir?: string;
  /** Extra target files (--target-file). */
  targetFiles?: readonly string[];
  /** Worker threads (default: the machine's available parallelism, at most 8). 1 scans in this thread. */
  jobs?: number;
  onFile?: (input: Input, index: number, total: number) => void;
}

/** What a worker is told once, at start. */
export interface WorkerSetup {
  targets: readonly string[];
  sysroot: string | null | undefined;
  dbDir: string | undefined;
  targetFiles: readonly string[];
}

export async function scanPathsParallel(paths: readonly string[], options: ParallelOptions = {}): Promise<Report> {
  const db = withTargetFiles(loadDatabase(options.dbDir), options.targetFiles ?? []);
  const targets = options.targets ?? ["all"];
  const surfaces = selectTargets(db, targets);
  const { inputs, errors } = expandPaths(paths);
  const jobs = Math.max(1, Math.min(options.jobs ?? Math.min(availableParallelism(), 8), inputs.length));
  if (jobs === 1) {
    const opts: Parameters<typeof scanPaths>[1] = { db, targets, failOn: options.failOn ?? "blocker" };
    if (options.sysroot !== undefined) opts.sysroot = options.sysroot;
    if (options.onFile !== undefined) opts.onFile = options.onFile;
    return scanPaths(paths, opts);
  }
  const setup: WorkerSetup = { targets, sysroot: options.sysroot, dbDir: options.dbDir, targetFiles: options.targetFiles ?? [] };
  const results: (FileReport | InputError)[] = new Array(inputs.length);
  let next = 0;
  let done = 0;
  await new Promise<void>((resolve, reject) => {
    const workers = Array.from({ length: jobs }, () => new Worker(new URL("./worker.js", import.meta.url), { workerData: setup }));
    const feed = (w: Worker): void => {
      if (next >= inputs.length) {
        void w.terminate();
        return;
      }
      const i = next++;
      options.onFile?.(inputs[i] as Input, i, inputs.length);
      w.postMessage({ index: i, path: (inputs[i] as Input).path });
    };
    for (const w of workers) {
      w.on("message", (m: { index: number; result: FileReport | InputError }) => {
        results[m.index] = m.result;
        if (++done === inputs.length) {
          for (const x of workers) void x.terminate();
          resolve();
        } else feed(w);
      });
      w.on("error", (e) => {
        for (const x of workers) void x.terminate();
        reject(e);
      });
      feed(w);
    }
  });
  return assembleReport(surfaces, results, errors, options.failOn ?? "blocker");
}
