// @fileoverview The contract every formatter implements: a pure (report, options) → string.

import type { ChalkInstance } from "chalk";
import type { Report } from "../types.js";

export interface FormatOptions {
  /** A chalk instance whose level the caller chose (0 = no colour). Formatters never probe the terminal. */
  chalk: ChalkInstance;
  /** Show upstream evidence and every via, not only the first few. */
  verbose?: boolean;
}

export type Formatter = (report: Report, options: FormatOptions) => string;
