// @fileoverview The JSON report: the Report object as is (schema in docs/report.schema.json), keys in a fixed order.
// jsonStream writes the same bytes piece by piece: the head, each file as it comes, then errors and summary.

import type { Report } from "../types.js";
import type { Formatter } from "./types.js";

export const json: Formatter = (report) => JSON.stringify(report, null, 2) + "\n";

const MARK = "\u0000files\u0000";

/** The pretty-printed report split around its files array: what comes before it, and after. */
function around(report: Report): [string, string] {
  const text = JSON.stringify({ ...report, files: MARK }, null, 2) + "\n";
  const at = text.indexOf(JSON.stringify(MARK));
  return [text.slice(0, at), text.slice(at + JSON.stringify(MARK).length)];
}

/**
 * A file's report as it sits inside the pretty-printed report (two levels deep, its lines indented by 4): stringified
 * inside a one-key wrapper that puts it at that depth, and cut out of it.
 */
export function fileJson(file: unknown): string {
  const text = JSON.stringify({ files: [file] }, null, 2);
  return text.slice('{\n  "files": [\n    '.length, text.length - "\n  ]\n}".length);
}

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
      write(`${count === 0 ? "[\n    " : ",\n    "}${text}`);
      count++;
    },
    end(report) {
      write(`${count === 0 ? "[]" : "\n  ]"}${around(report)[1]}`);
    },
  };
}
