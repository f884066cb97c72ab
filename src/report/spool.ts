// @fileoverview Where a streaming formatter keeps what it writes before the end of the report: the text report's
// file sections wait for the first screen (which needs every file), JUnit's suites for the totals in its first line,
// the issue formats' issues for their order over all files. In memory for a report already held whole; in a
// temporary file (unlinked as soon as it is made) when the CLI streams a scan, so that memory stays bounded by the
// files in flight whatever the number of files.

import { closeSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";

export interface Spool {
  write(s: string): void;
  /** What was written, in order, in pieces of any size; then the spool is closed. */
  chunks(): Iterable<string>;
}

export type SpoolFactory = () => Spool;

/** A spool in memory. */
export const memorySpool: SpoolFactory = () => {
  const parts: string[] = [];
  return {
    write: (s) => void parts.push(s),
    *chunks() {
      yield* parts.splice(0);
    },
  };
};

/** Bytes gathered before a write to the file. */
const BATCH = 1 << 16;
/** Bytes read back at a time. */
const READ = 1 << 20;

/** A spool in a temporary file, removed from the directory as soon as it is opened (it goes when its fd is closed). */
export const fileSpool: SpoolFactory = () => {
  const path = join(tmpdir(), `unifit-${process.pid}-${randomUUID()}.spool`);
  const fd = openSync(path, "wx+", 0o600);
  unlinkSync(path);
  let pending: string[] = [];
  let pendingLength = 0;
  let size = 0;
  const flush = (): void => {
    if (pending.length === 0) return;
    size += writeSync(fd, pending.join(""), size);
    pending = [];
    pendingLength = 0;
  };
  return {
    write(s) {
      pending.push(s);
      pendingLength += s.length;
      if (pendingLength >= BATCH) flush();
    },
    *chunks() {
      flush();
      const buf = Buffer.allocUnsafe(READ);
      const decoder = new StringDecoder("utf8");
      try {
        for (let at = 0; at < size; ) {
          const n = readSync(fd, buf, 0, Math.min(READ, size - at), at);
          if (n === 0) break;
          at += n;
          yield decoder.write(buf.subarray(0, n));
        }
        yield decoder.end();
      } finally {
        closeSync(fd);
      }
    },
  };
};

/** A spool's text line by line (each line without its "\n"). */
export function* spoolLines(spool: Spool): Generator<string> {
  let rest = "";
  for (const chunk of spool.chunks()) {
    const text = rest + chunk;
    let from = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", from)) {
      yield text.slice(from, nl);
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  if (rest !== "") yield rest;
}
