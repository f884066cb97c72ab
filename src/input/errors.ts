// @fileoverview The error code of a failed file-system call, as an input error's code.

import type { InputErrorCode } from "../types.js";

/** The errno name a failed fs call carries (ENOENT, EACCES, ELOOP...); EIO when it carries none. */
export function errnoCode(e: unknown): InputErrorCode {
  const code = typeof e === "object" && e !== null && "code" in e ? String(e.code) : "";
  return /^E[A-Z0-9_]+$/.test(code) ? (code as `E${string}`) : "EIO";
}
