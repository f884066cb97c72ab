// @fileoverview The contract every formatter implements. A formatter streams: it is given a sink, then each file's
// report in the report's order, then the rest of the report (errors, summary, images), and writes as it goes,
// keeping at most a bounded tally; what must come before something not yet known waits in a spool. `whole` makes the
// pure (report, options) → string of it. Formatters never probe the terminal.

import type { ChalkInstance } from "chalk";
import type { FileReport, Report } from "../types.js";
import type { SpoolFactory } from "./spool.js";

export interface FormatOptions {
  /** A chalk instance whose level the caller chose (0 = no colour). Formatters never probe the terminal. */
  chalk: ChalkInstance;
  /** Show upstream evidence and every via, not only the first few. */
  verbose?: boolean;
}

export interface StreamOptions extends FormatOptions {
  /** Where output that must wait for the end is kept (memory unless told). */
  spool?: SpoolFactory;
}

export interface ReportWriter {
  /** Once, before any file: the report's fixed part (schema version, tool, targets, failOn). */
  head?(shell: Report): void;
  /** Each file's report, in the report's order. Nothing keeps it after the call. */
  file(f: FileReport): void;
  /**
   * When present, a file as `fileJson` serialised it may be given here instead of `file` (a worker made the text):
   * only a writer that needs nothing else of the file has it. Its bytes are valid during the call only (a buffer
   * that is reused): a writer that keeps them copies them.
   */
  fileJson?(json: FileJson): void;
  /** The rest of the report (its `files` are not read); the output is complete when it returns. */
  end(report: Report): void;
}

/**
 * A file's report as the JSON report holds it (one line): a string, or pieces written one after the other. A report
 * read back from the cache stays the UTF-8 bytes it was stored as: decoding them into a string and encoding it again
 * would cost a warm image scan (hundreds of megabytes of reports) most of its time.
 */
export type FileJson = string | readonly (string | Uint8Array)[];

/** Where a formatter writes: text, or bytes that are UTF-8 already (the pieces of a FileJson). */
export type ReportSink = (chunk: string | Uint8Array) => void;

export type StreamFormatter = (write: ReportSink, options: StreamOptions) => ReportWriter;

export type Formatter = (report: Report, options: FormatOptions) => string;

/** The whole report through a streaming formatter, as one string. */
export function whole(stream: StreamFormatter): Formatter {
  return (report, options) => {
    const parts: string[] = [];
    const w = stream((s) => void parts.push(typeof s === "string" ? s : Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString("utf8")), options);
    w.head?.(report);
    for (const f of report.files) w.file(f);
    w.end(report);
    return parts.join("");
  };
}
