// @fileoverview The JSON report: the Report object as is (schema in docs/report.schema.json), keys in a fixed order,
// compact, with each file's report on a line of its own (a scan of /usr/bin is hundreds of megabytes pretty-printed;
// one line per file keeps it greppable and diffable). Streamed: the head, each file as it comes, then errors and
// summary.

import type { Report } from "../types.js";
import { whole } from "./types.js";
import type { FileJson, ReportWriter, StreamFormatter } from "./types.js";

const MARK = "\u0000files\u0000";

/** The report split around its files array: what comes before it, and after. */
function around(report: Report): [string, string] {
  const text = JSON.stringify({ ...report, files: MARK });
  const at = text.indexOf(JSON.stringify(MARK));
  return [text.slice(0, at), text.slice(at + JSON.stringify(MARK).length) + "\n"];
}

/** A file's report as it sits inside the report (one line). */
export function fileJson(file: unknown): string {
  return JSON.stringify(file);
}

/** A FileJson as one string (to parse it: a report kept whole). */
export function fileJsonText(json: FileJson): string {
  if (typeof json === "string") return json;
  return json.map((p) => (typeof p === "string" ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString("utf8"))).join("");
}

/** A FileJson's size, about (characters or bytes): what a report waiting to be written holds on to. */
export function fileJsonSize(json: FileJson): number {
  return typeof json === "string" ? json.length : json.reduce((n, p) => n + p.length, 0);
}

/**
 * The head (given before any file; when none was given and no file came, made at the end from the finished report,
 * whose fixed part is the same), each file's `fileJson` in order, then errors and summary.
 */
export const jsonStream: StreamFormatter = (write) => {
  let count = 0;
  let headDone = false;
  const w: Required<ReportWriter> = {
    head(report) {
      write(around(report)[0]);
      headDone = true;
    },
    file(f) {
      w.fileJson(fileJson(f));
    },
    fileJson(text) {
      // Two writes, not one concatenation: joining would copy the (often megabyte-sized) line once more.
      write(count === 0 ? "[\n" : ",\n");
      if (typeof text === "string") write(text);
      else for (const piece of text) write(piece);
      count++;
    },
    end(report) {
      if (!headDone) w.head(report);
      write(`${count === 0 ? "[]" : "\n]"}${around(report)[1]}`);
    },
  };
  return w;
};

export const json = whole(jsonStream);
