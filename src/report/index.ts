// @fileoverview The formatter registry: name → formatter.

import { json } from "./json.js";
import { text } from "./text.js";
import type { Formatter } from "./types.js";

export const formatters: Readonly<Record<string, Formatter>> = { json, text };
export type { FormatOptions, Formatter } from "./types.js";
