// @fileoverview The scan's worker threads, each file under a budget: a file that runs past its time is stopped by
// terminating its worker, one whose analysis outgrows the worker's heap (resourceLimits) ends its worker; either way
// the file becomes one error line saying so, the other files that worker held are handed out again, and a new worker
// takes its place. The scan goes on.

import { Worker } from "node:worker_threads";
import type { Input } from "../input/expand.js";
import type { InputError } from "../types.js";
import type { FileBudget } from "./scan.js";
import type { WorkerResult, WorkerSetup } from "./parallel.js";

/** Defaults of --file-timeout and --file-memory. */
export const DEFAULT_FILE_TIMEOUT_MS = 300_000;
export const DEFAULT_FILE_MEMORY_MB = 1024;
/** Below this, a worker cannot hold the database and rules it loads before its first file. */
export const MIN_FILE_MEMORY_MB = 64;

export interface PoolWorker {
  worker: Worker;
  /** Files sent to it, in the order it takes them. */
  inFlight: number[];
  /** The file it said it began, until its result comes. */
  started?: number;
  timer?: NodeJS.Timeout;
  /** Why it was stopped or ended, once it was. */
  lost?: "time" | "memory" | "crash";
  error?: Error;
}

/** What a worker says as it begins a file (its budget's clock starts then, not while it loads the database). */
export interface WorkerStarted {
  started: number;
}

function describe(input: Input): string {
  return `${input.kind === "elf" ? "an ELF file" : "a C/C++ file"} of ${input.size} bytes`;
}

export class BudgetedPool {
  /** A file's outcome from a worker. */
  onResult: (w: PoolWorker, m: WorkerResult) => void = () => {};
  /** A worker was lost: the file it was on (as an error), the other files it held, and its replacement. */
  onLost: (lost: WorkerResult | undefined, again: number[], replacement: PoolWorker) => void = () => {};
  private readonly workers = new Set<PoolWorker>();
  private readonly idleList: PoolWorker[] = [];
  private readonly inputs = new Map<number, Input>();
  private readonly again = new Set<number>();
  private closed = false;

  constructor(
    private readonly jobs: number,
    private readonly setup: WorkerSetup,
    private readonly budget: FileBudget,
  ) {}

  start(): PoolWorker[] {
    return Array.from({ length: this.jobs }, () => this.spawn());
  }

  send(w: PoolWorker, index: number, input: Input): void {
    w.inFlight.push(index);
    this.inputs.set(index, input);
    w.worker.postMessage({ index, path: input.path });
  }

  idle(w: PoolWorker): void {
    if (this.workers.has(w)) this.idleList.push(w);
  }

  /** An idle worker when there is work for it. */
  takeIdle(work: () => boolean): PoolWorker | undefined {
    return this.idleList.length > 0 && work() ? this.idleList.pop() : undefined;
  }

  alive(w: PoolWorker): boolean {
    return this.workers.has(w);
  }

  /** Whether a file is being handed out again after its worker was lost (it was announced already). */
  retried(index: number): boolean {
    return this.again.has(index);
  }

  close(): void {
    this.closed = true;
    for (const w of this.workers) {
      clearTimeout(w.timer);
      void w.worker.terminate();
    }
    this.workers.clear();
  }

  private spawn(): PoolWorker {
    const memory = this.budget.memoryMb;
    const worker = new Worker(new URL("./worker.js", import.meta.url), {
      workerData: this.setup,
      ...(memory !== undefined && memory > 0 ? { resourceLimits: { maxOldGenerationSizeMb: memory } } : {}),
    });
    const w: PoolWorker = { worker, inFlight: [] };
    this.workers.add(w);
    worker.on("message", (m: WorkerResult | WorkerStarted) => {
      if (w.lost !== undefined || this.closed) return;
      if ("started" in m) {
        w.started = m.started;
        const ms = this.budget.timeoutMs;
        if (ms !== undefined && ms > 0) {
          w.timer = setTimeout(() => {
            w.lost = "time";
            void worker.terminate();
          }, ms);
        }
        return;
      }
      clearTimeout(w.timer);
      delete w.started;
      const k = w.inFlight.indexOf(m.index);
      if (k >= 0) w.inFlight.splice(k, 1);
      this.onResult(w, m);
    });
    worker.on("error", (e) => {
      w.error = e;
      w.lost ??= (e as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY" ? "memory" : "crash";
    });
    worker.on("exit", () => {
      if (this.closed) return;
      this.lose(w);
    });
    return w;
  }

  private lose(w: PoolWorker): void {
    clearTimeout(w.timer);
    this.workers.delete(w);
    const at = this.idleList.indexOf(w);
    if (at >= 0) this.idleList.splice(at, 1);
    // The file it was on is at fault; one that died before beginning any file takes its first file with it, so that
    // a worker that cannot start under the budget ends the scan rather than being replaced forever.
    const faulted = w.started ?? w.inFlight[0];
    let lost: WorkerResult | undefined;
    if (faulted !== undefined) {
      const input = this.inputs.get(faulted) as Input;
      const began = w.started !== undefined;
      const why = w.lost ?? "crash";
      const error: Omit<InputError, "path"> =
        why === "time"
          ? { code: "FILE_TIMEOUT", message: `skipped: analysis ran past the ${(this.budget.timeoutMs ?? 0) / 1000} s time budget (--file-timeout); ${describe(input)}` }
          : why === "memory"
            ? { code: "FILE_MEMORY", message: `skipped: analysis needed more than the ${this.budget.memoryMb} MB memory budget (--file-memory)${began ? "" : " before it began"}; ${describe(input)}` }
            : { code: "INTERNAL", message: `internal error: the worker scanning it stopped${began ? "" : " before it began"} (${w.error?.message ?? "no reason given"})` };
      lost = { index: faulted, error: { path: input.path, ...error } };
    }
    const again = w.inFlight.filter((i) => i !== faulted);
    for (const i of again) this.again.add(i);
    this.onLost(lost, again, this.spawn());
  }
}
