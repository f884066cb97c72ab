// @fileoverview The JSON report: the Report object as is (schema in docs/report.schema.json), keys in a fixed order,
// compact, with each file's report on a line of its own (a scan of /usr/bin is hundreds of megabytes pretty-printed;
// one line per file keeps it greppable and diffable). jsonStream writes the same bytes piece by piece: the head, each
// file as it comes, then errors and summary.

import type { Report } from "../types.js";
import type { Formatter } from "./types.js";

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

export const json: Formatter = (report) => {
  const [head, tail] = around(report);
  const files = report.files.length === 0 ? "[]" : `[\n${report.files.map(fileJson).join(",\n")}\n]`;
  return head + files + tail;
};

/**
 * Writes a JSON report byte for byte as `json` would, without holding its files: `head` with the report's fixed
 * part (files, errors and summary are not read), `file` with each file's `fileJson(file)` in order,
 * `end` with the finished report (its files are not read).
 */
export function jsonStream(write: (chunk: string) => void): {
  head(report: Report): void;
  file(json: string): void;
  end(report: Report): void;
} {
  let count = 0;
  return {
    head(report) {
      write(around(report)[0]);
    },
    file(text) {
      // Two writes, not one concatenation: joining would copy the (often megabyte-sized) line once more.
      write(count === 0 ? "[\n" : ",\n");
      write(text);
      count++;
    },
    end(report) {
      write(`${count === 0 ? "[]" : "\n]"}${around(report)[1]}`);
    },
  };
}
