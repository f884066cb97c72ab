// @fileoverview The JSON report: the Report object as is (schema in docs/report.schema.json), keys in a fixed order.

import type { Formatter } from "./types.js";

export const json: Formatter = (report) => JSON.stringify(report, null, 2) + "\n";
