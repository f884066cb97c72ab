// @fileoverview The formatter registry: name → streaming formatter, and name → formatter of a whole report.

import { codequalityStream } from "./codequality.js";
import { htmlStream } from "./html.js";
import { jsonStream } from "./json.js";
import { junitStream } from "./junit.js";
import { markdownStream } from "./markdown.js";
import { sarifStream } from "./sarif.js";
import { textStream } from "./text.js";
import { whole } from "./types.js";
import type { Formatter, StreamFormatter } from "./types.js";

export const streamFormatters: Readonly<Record<string, StreamFormatter>> = {
  codequality: codequalityStream,
  html: htmlStream,
  json: jsonStream,
  junit: junitStream,
  markdown: markdownStream,
  sarif: sarifStream,
  text: textStream,
};

export const formatters: Readonly<Record<string, Formatter>> = Object.fromEntries(Object.entries(streamFormatters).map(([name, s]) => [name, whole(s)]));
export type { FileJson, FormatOptions, Formatter, ReportSink, ReportWriter, StreamFormatter, StreamOptions } from "./types.js";
export { fileSpool, memorySpool } from "./spool.js";
export type { Spool, SpoolFactory } from "./spool.js";
