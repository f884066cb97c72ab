// @fileoverview The formatter registry: name → formatter.

import { codequality } from "./codequality.js";
import { html } from "./html.js";
import { json } from "./json.js";
import { junit } from "./junit.js";
import { markdown } from "./markdown.js";
import { sarif } from "./sarif.js";
import { text } from "./text.js";
import type { Formatter } from "./types.js";

export const formatters: Readonly<Record<string, Formatter>> = { codequality, html, json, junit, markdown, sarif, text };
export type { FormatOptions, Formatter } from "./types.js";
