// @fileoverview Reading a small configuration file named by a tree that is not ours (a --sysroot, a root file
// system): only a regular file is read, and only up to a bound. A FIFO in place of /etc/ld.so.conf would block a
// plain read forever, and a link to /dev/zero would never reach its end.

import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/** The file's text when it is a regular file of at most `maxBytes`; undefined otherwise or when it cannot be read. */
export function readSmallText(path: string, maxBytes = 1024 * 1024): string | undefined {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; the fstat then refuses it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.toString("utf8", 0, got);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
