// @fileoverview Turns path arguments into a sorted list of inputs (ELF files by magic bytes, C/C++ sources by
// extension): walks directories, caps sizes, and records unreadable or unusable paths as InputError. It never
// parses contents.

import { closeSync, lstatSync, openSync, readSync, readdirSync, statSync } from "node:fs";
import type { Stats } from "node:fs";
import { join } from "node:path";
import type { InputError, InputErrorCode } from "../types.js";
import { errnoCode } from "./errors.js";
import { isElfMagic } from "../elf/magic.js";
import { byPath, compareStrings } from "../util/compare.js";

export interface Input {
  path: string;
  kind: "elf" | "source";
  size: number;
}

const SOURCE_EXT = /\.(c|h|cc|cpp|cxx|c\+\+|hh|hpp|hxx)$/i;

export function isSourcePath(path: string): boolean {
  return SOURCE_EXT.test(path);
}

export interface ExpandOptions {
  /** Files larger than this are refused (default 2 GiB). */
  maxFileBytes?: number;
  /** Directory entries visited at most, over all directories (default 1,000,000). */
  maxEntries?: number;
}

function describeErrno(code: string): string {
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ELOOP":
      return "too many levels of symbolic links";
    default:
      return `cannot read (${code})`;
  }
}

/** First bytes of a file, or an errno code. */
function head(path: string, n: number): Buffer | InputErrorCode {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } catch (e) {
    return errnoCode(e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** A file name's text, or undefined when its bytes are not UTF-8 (the name then cannot be given to the scan). */
export function utf8Name(raw: Buffer): string | undefined {
  try {
    return UTF8.decode(raw);
  } catch {
    return undefined;
  }
}

/** A name that is not UTF-8, shown safely: ASCII printable bytes as they are, every other byte as \xNN. */
export function escapeName(raw: Buffer): string {
  let out = "";
  for (const b of raw) out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
  return out;
}

/** What a special file is, for its error line. */
function specialKind(st: Stats): string {
  return st.isFIFO() ? "a FIFO" : st.isSocket() ? "a socket" : st.isCharacterDevice() ? "a character device" : st.isBlockDevice() ? "a block device" : "not a file";
}

function looksLikeText(b: Buffer): boolean {
  if (b.length === 0) return false;
  let printable = 0;
  for (const c of b) if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128) printable++;
  return printable / b.length > 0.95;
}

function notElfMessage(b: Buffer): string {
  if (b.length === 0) return "not an ELF file: the file is empty";
  if (b[0] === 0x7f && b.length < 4) return "not an ELF file: truncated before the end of the ELF magic";
  if (b.length >= 2 && b[0] === 0x23 && b[1] === 0x21) return "not an ELF file: a script (starts with #!)";
  if (looksLikeText(b)) return "not an ELF file: it is a text file";
  return "not an ELF file: no ELF magic (7f 45 4c 46) at offset 0";
}

/**
 * Expands paths into ELF inputs. An explicitly named file that is not ELF is an error; inside a directory, files
 * that are not ELF are skipped (a tree holds scripts and data too), but a directory with no ELF at all is an error.
 */
export function expandPaths(paths: readonly string[], options: ExpandOptions = {}): { inputs: Input[]; errors: InputError[] } {
  const maxBytes = options.maxFileBytes ?? 2 * 1024 ** 3;
  let budget = options.maxEntries ?? 1_000_000;
  const inputs = new Map<string, Input>();
  const errors: InputError[] = [];

  /** Adds the file when it is ELF; returns whether it was. */
  const addFile = (path: string, size: number, explicit: boolean): boolean => {
    if (size > maxBytes) {
      errors.push({ path, code: "TOO_LARGE", message: `file is ${size} bytes, over the ${maxBytes}-byte limit` });
      return false;
    }
    const b = head(path, 64);
    if (typeof b === "string") {
      errors.push({ path, code: b, message: describeErrno(b) });
      return false;
    }
    if (isElfMagic(b)) {
      inputs.set(path, { path, kind: "elf", size });
      return true;
    }
    if (isSourcePath(path)) {
      inputs.set(path, { path, kind: "source", size });
      return true;
    }
    if (explicit) errors.push({ path, code: "NOT_ELF", message: notElfMessage(b) });
    return false;
  };

  const walk = (dir: string): number => {
    let found = 0;
    let names: Buffer[];
    try {
      // As bytes: a name that is not UTF-8 would come back as a string with U+FFFD in it, naming no file.
      names = readdirSync(dir, { encoding: "buffer" });
    } catch (e) {
      const code = errnoCode(e);
      errors.push({ path: dir, code, message: describeErrno(code) });
      return 0;
    }
    // In the order of the names as strings, as the inputs are sorted.
    const entries = names.map((raw) => ({ raw, name: utf8Name(raw) })).sort((a, b) => compareStrings(a.name ?? "", b.name ?? ""));
    for (const { raw, name } of entries) {
      if (--budget < 0) {
        errors.push({ path: dir, code: "TOO_MANY_FILES", message: "directory walk stopped: too many entries" });
        return found;
      }
      if (name === undefined) {
        errors.push({ path: join(dir, escapeName(raw)), code: "BAD_NAME", message: "the file name is not valid UTF-8: not scanned (shown with \\x escapes)" });
        continue;
      }
      const p = join(dir, name);
      let st;
      try {
        st = lstatSync(p); // symbolic links are not followed inside a walk: no cycles, no duplicates
      } catch (e) {
        const code = errnoCode(e); // removed since the directory was read, or its directory is not searchable
        errors.push({ path: p, code, message: describeErrno(code) });
        continue;
      }
      if (st.isDirectory()) found += walk(p);
      else if (st.isFile()) {
        if (addFile(p, st.size, false)) found++;
      } else if (st.isSymbolicLink()) {
        // A link is not followed, but one that leads nowhere is reported: what it was meant to name is not scanned.
        try {
          statSync(p);
        } catch (e) {
          const code = errnoCode(e);
          errors.push({ path: p, code: "DANGLING_LINK", message: `a symbolic link that leads nowhere (${code})` });
        }
      } else errors.push({ path: p, code: "NOT_FILE", message: `${specialKind(st)}, not a regular file: not read` });
    }
    return found;
  };

  for (const path of paths) {
    let st;
    try {
      st = statSync(path);
    } catch (e) {
      const code = errnoCode(e);
      errors.push({ path, code, message: describeErrno(code) });
      continue;
    }
    if (st.isDirectory()) {
      if (walk(path) === 0) errors.push({ path, code: "NO_ELF", message: "directory contains no ELF files or C/C++ sources" });
    } else if (st.isFile()) addFile(path, st.size, true);
    else errors.push({ path, code: "NOT_FILE", message: "not a regular file or directory" });
  }
  const sorted = [...inputs.values()].sort(byPath);
  return { inputs: sorted, errors };
}
