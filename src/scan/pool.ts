// @fileoverview The scan's worker threads: a piscina pool (one worker per job, each file one task; the library
// queues the tasks, replaces a worker that is terminated or dies, and stops the worker of an aborted task) and the
// one policy it does not have, each file's budget. A file's clock starts when its worker says it began the file
// (not while it waits in the queue or while a new worker loads the database); past --file-timeout its task is
// aborted, which terminates that worker. A file whose analysis outgrows the worker's heap (resourceLimits) ends its
// worker. Either way the file becomes one error line saying so and the scan goes on with a fresh worker. Tasks run
// one per worker, so a lost worker takes only its own file with it.

import { Piscina } from "piscina";
import type { InputError } from "../types.js";
import type { FileBudget } from "./scan.js";
import type { NewTask, WorkerSetup, WorkerTask } from "./worker.js";

/** Defaults of --file-timeout and --file-memory. */
export const DEFAULT_FILE_TIMEOUT_MS = 300_000;
export const DEFAULT_FILE_MEMORY_MB = 1024;
/** Below this, a worker cannot hold the database and rules it loads before its first file. */
export const MIN_FILE_MEMORY_MB = 64;

/**
 * Each worker's young generation (V8's nursery, where a file's short-lived objects are made). V8's default lets it
 * grow to 48 MB or more per worker, garbage that only adds to the scan's peak; a smaller one costs a few more
 * scavenges (measured in the commit that set it).
 */
const YOUNG_GENERATION_MB = 8;

/** What a worker posts as it begins a task (see worker.ts). */
export interface WorkerStarted {
  started: number;
}

/** The file a task is about, for its error line. */
export interface TaskFile {
  path: string;
  kind: "elf" | "source";
  size: number;
}

function describe(file: TaskFile): string {
  return `${file.kind === "elf" ? "an ELF file" : "a C/C++ file"} of ${file.size} bytes`;
}

interface Pending {
  file: TaskFile;
  abort: AbortController;
  began: boolean;
  timer?: NodeJS.Timeout;
  timedOut?: boolean;
}

export class BudgetedPool {
  private readonly pool: Piscina<WorkerTask, unknown>;
  private readonly pending = new Map<number, Pending>();
  private ids = 0;
  /** Set when a worker cannot even start (piscina then stops replacing workers): every file left is this error. */
  private broken: Error | undefined;

  constructor(
    readonly jobs: number,
    setup: WorkerSetup,
    private readonly budget: FileBudget,
  ) {
    const memory = budget.memoryMb;
    this.pool = new Piscina<WorkerTask, unknown>({
      filename: new URL("./worker.js", import.meta.url).href,
      minThreads: jobs,
      maxThreads: jobs,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData: setup,
      // The reports a worker sends back are its output: nothing it prints is waited on between tasks.
      atomics: "sync",
      resourceLimits: {
        maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
        ...(memory !== undefined && memory > 0 ? { maxOldGenerationSizeMb: memory } : {}),
      },
    });
    this.pool.on("message", (m: WorkerStarted) => this.began(m.started));
    this.pool.on("error", (e: Error) => this.fail(e));
  }

  /**
   * Runs one task; resolves with what the worker returned, or with the file's error line when it ran past its
   * budget, its worker was lost, or no worker could start. Never rejects.
   */
  async run<R>(task: NewTask, file: TaskFile): Promise<R | InputError> {
    if (this.broken !== undefined) return this.lost(file, false, this.broken);
    const id = ++this.ids;
    const p: Pending = { file, abort: new AbortController(), began: false };
    this.pending.set(id, p);
    try {
      return (await this.pool.run({ ...task, id }, { signal: p.abort.signal })) as R;
    } catch (e) {
      return this.lost(file, p.began, e as Error, p.timedOut === true);
    } finally {
      clearTimeout(p.timer);
      this.pending.delete(id);
    }
  }

  async close(): Promise<void> {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    await this.pool.destroy();
  }

  /** A worker began a task: its file's clock starts. */
  private began(id: number): void {
    const p = this.pending.get(id);
    if (p === undefined) return; // its result came first
    p.began = true;
    const ms = this.budget.timeoutMs;
    if (ms === undefined || ms <= 0) return;
    p.timer = setTimeout(() => {
      p.timedOut = true;
      p.abort.abort();
    }, ms);
  }

  /** No worker can start: the files in flight and every later one are errors (a pool replacing workers forever is no scan). */
  private fail(e: Error): void {
    this.broken ??= e;
    for (const p of this.pending.values()) p.abort.abort(e);
  }

  private lost(file: TaskFile, began: boolean, e: Error, timedOut = false): InputError {
    const code = (e as { code?: string }).code;
    const before = began ? "" : " before it began";
    if (timedOut) {
      return { path: file.path, code: "FILE_TIMEOUT", message: `skipped: analysis ran past the ${(this.budget.timeoutMs ?? 0) / 1000} s time budget (--file-timeout); ${describe(file)}` };
    }
    if (code === "ERR_WORKER_OUT_OF_MEMORY") {
      return { path: file.path, code: "FILE_MEMORY", message: `skipped: analysis needed more than the ${this.budget.memoryMb} MB memory budget (--file-memory)${before}; ${describe(file)}` };
    }
    const why = this.broken ?? e;
    return { path: file.path, code: "INTERNAL", message: `internal error: the worker scanning it stopped${before} (${why.message})` };
  }
}
