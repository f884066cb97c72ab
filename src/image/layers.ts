// @fileoverview Image layers: a layer's bytes (gzip, zstd or plain tar, told apart by their magic) → its entries
// (tar-stream; node:zlib; fzstd), then applied onto a MemView in order with whiteouts. Bounded: every byte that comes
// out of a decompressor counts against the image's budget (a decompression bomb stops at the limit), files over the
// per-file limit are not read, and names that would climb out of the root are refused.

import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { scratchDirs } from "../cache/store.js";
import { makeDirs } from "../util/make-dirs.js";
import { errnoCode } from "../input/errors.js";
import { Readable, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { Decompress } from "fzstd";
import * as tar from "tar-stream";
import { MemView, components } from "./mem-view.js";
import type { MemNode } from "./mem-view.js";
import type { InputErrorCode } from "../types.js";
import { isElfMagic } from "../elf/magic.js";

export interface ImageLimits {
  /** Bytes of one file in a layer above which it is not read (default 1 GiB). */
  maxFileBytes: number;
  /** Bytes of all layers, uncompressed, above which the image is refused (default 16 GiB). */
  maxImageBytes: number;
  /** Entries over all layers above which the image is refused (default 2,000,000). */
  maxEntries: number;
}

export const DEFAULT_LIMITS: ImageLimits = { maxFileBytes: 1024 ** 3, maxImageBytes: 16 * 1024 ** 3, maxEntries: 2_000_000 };

/** The image cannot be read (corrupt, truncated, over a limit, a manifest naming what is not there): one line. */
export class ImageError extends Error {
  override name = "ImageError";
  constructor(
    readonly code: InputErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A failure while a tar stream was read, as one line: an ImageError stays as it is, anything else is corruption. */
export function asCorrupt(e: unknown, what: "layer" | "archive"): ImageError {
  return e instanceof ImageError ? e : new ImageError("CORRUPT", `corrupt or truncated ${what}: ${(e as Error).message}`);
}

/** Something in an image that was skipped, the rest being read (an entry climbing out of the root, a file too large). */
export interface ImageProblem {
  code: InputErrorCode;
  message: string;
}

/**
 * Where the kept files of compressed layers go: one scratch file, written as the bytes come out of the decompressor,
 * where each file is located (MemFile.at) as a file of an uncompressed layer is located in the archive. Kept in
 * memory instead, a gzip-layered image held every program it has: the 462 MB bench image, gzip-compressed, peaked at
 * 811 MB cold and 600 MB warm, against 474 MB and 129 MB uncompressed. Not the image's tree: one file of bytes, in
 * the cache directory (on disk, where /tmp may be memory; the temporary directory when caching is off or the cache
 * directory cannot take it), unlinked as soon as it is open and read through /proc/self/fd by this process's
 * threads, so that nothing is left behind whatever ends the scan. Where /proc is not mounted it keeps its name until
 * close().
 */
export class Spill {
  private fd: number | undefined;
  private name: string | undefined;
  private dir: string | undefined;
  private end = 0;

  /** Room for `size` bytes: the path to read them by and where they start. */
  reserve(size: number): { file: string; offset: number } {
    if (this.fd === undefined) this.open();
    const offset = this.end;
    this.end += size;
    return { file: this.name as string, offset };
  }

  /** Writes `chunk` at `offset` (within a reserved range). */
  write(chunk: Buffer, offset: number): void {
    let done = 0;
    while (done < chunk.length) done += writeSync(this.fd as number, chunk, done, chunk.length - done, offset + done);
  }

  /** Closes and removes the scratch file (the files located in it can no longer be read). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.fd = this.name = this.dir = undefined;
    this.end = 0;
  }

  private open(): void {
    let failure: unknown;
    for (const base of scratchDirs()) {
      try {
        if (base.create) makeDirs(base.dir);
        this.dir = mkdtempSync(join(base.dir, "image-"));
        break;
      } catch (e) {
        failure = e;
      }
    }
    if (this.dir === undefined) {
      throw new ImageError(errnoCode(failure), `no place for the scratch file of compressed layers' programs (${(failure as Error).message}; see UNIFIT_CACHE_DIR, TMPDIR)`);
    }
    const file = join(this.dir, "bytes");
    this.fd = openSync(file, "wx+", 0o600);
    const viaProc = `/proc/self/fd/${this.fd}`;
    if (existsSync(viaProc)) {
      rmSync(this.dir, { recursive: true, force: true });
      this.dir = undefined;
      this.name = viaProc;
    } else this.name = file;
  }
}

/** Counts what the layers expand to, against the limits; holds the bytes kept from them (in a scratch file). */
export class Budget {
  bytes = 0;
  entries = 0;
  readonly kept = new Spill();
  constructor(readonly limits: ImageLimits) {}
  take(n: number): void {
    this.bytes += n;
    if (this.bytes > this.limits.maxImageBytes) {
      throw new ImageError("TOO_LARGE", `the layers expand past the ${this.limits.maxImageBytes}-byte image limit (a decompression bomb, or raise --max-image-size)`);
    }
  }
  entry(): void {
    if (++this.entries > this.limits.maxEntries) throw new ImageError("TOO_MANY_FILES", `the layers hold more than ${this.limits.maxEntries} entries`);
  }
}

export type LayerEntry =
  | { kind: "node"; path: string; node: MemNode }
  | { kind: "hardlink"; path: string; target: string }
  | { kind: "whiteout"; path: string }
  | { kind: "opaque"; path: string };

const MAX_KEPT_TEXT = 1024 * 1024;

/** Whether a file's bytes are kept: ELF files, scripts (the entrypoint story), the dynamic loader's configuration. */
export function keepBytes(path: string, head: Buffer, size: number): boolean {
  if (isElfMagic(head)) return true;
  if (size > MAX_KEPT_TEXT) return false;
  if (head.length >= 2 && head[0] === 0x23 && head[1] === 0x21) return true;
  return path.startsWith("/etc/ld.so.conf") || path.startsWith("/etc/ld-musl-");
}

/**
 * Bytes in, as they come, with the first chunk looked at to choose gzip, zstd or none (`info.compressed` says which
 * once the first chunk is out). Each chunk out is budgeted.
 */
export async function* decompress(source: AsyncIterable<Buffer>, budget: Budget, info: { compressed?: boolean } = {}): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done === true) return;
  const head = first.value;
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const r = await it.next();
      if (r.done === true) return;
      yield r.value;
    }
  }
  info.compressed = (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) || (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528);
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gz = createGunzip();
    pipeline(Readable.from(all()), gz, () => undefined);
    try {
      for await (const chunk of gz as AsyncIterable<Buffer>) {
        budget.take(chunk.length);
        yield chunk;
      }
    } catch (e) {
      if (e instanceof ImageError) throw e;
      throw new ImageError("CORRUPT", `gzip: ${(e as Error).message}`);
    }
    return;
  }
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) {
    let out: Buffer[] = [];
    let ended = false;
    const d = new Decompress((chunk, final) => {
      out.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (final) ended = true;
    });
    try {
      for await (const chunk of all()) {
        d.push(chunk);
        for (const c of out) {
          budget.take(c.length);
          yield c;
        }
        out = [];
      }
      d.push(new Uint8Array(0), true);
    } catch (e) {
      if (e instanceof ImageError) throw e;
      throw new ImageError("CORRUPT", `zstd: ${(e as Error).message}`);
    }
    for (const c of out) {
      budget.take(c.length);
      yield c;
    }
    if (!ended) throw new ImageError("CORRUPT", "zstd: the stream ends before its last frame does (truncated)");
    return;
  }
  for await (const chunk of all()) {
    budget.take(chunk.length);
    yield chunk;
  }
}

/**
 * Reads a layer (any compression) into its entries, keeping the bytes keepBytes() asks for. `origin`: where the
 * layer's bytes start in a host file (an archive member, a blob); when the layer turns out to be uncompressed, its
 * files are located there (MemFile.at) instead of kept in memory.
 */
export async function readLayer(source: AsyncIterable<Buffer>, budget: Budget, problems: ImageProblem[], origin?: { file: string; offset: number }): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  const ex = tar.extract();
  let failure: Error | undefined;
  const info: { compressed?: boolean } = {};
  pipeline(Readable.from(decompress(source, budget, info)), ex, (e) => {
    if (e) failure = e;
  });
  try {
    for await (const entry of ex) {
      budget.entry();
      const h = entry.header;
      const parts = components(h.name);
      if (parts === undefined) {
        problems.push({ code: "UNSAFE_PATH", message: `layer entry "${h.name}" climbs out of the root: ignored` });
        entry.resume();
        continue;
      }
      const path = `/${parts.join("/")}`;
      const base = parts[parts.length - 1] ?? "";
      if (base.startsWith(".wh.")) {
        const dir = path.slice(0, path.length - base.length - 1) || "/";
        if (base === ".wh..wh..opq") entries.push({ kind: "opaque", path: dir });
        else if (base.length > 4) entries.push({ kind: "whiteout", path: dir === "/" ? `/${base.slice(4)}` : `${dir}/${base.slice(4)}` });
        entry.resume();
        continue;
      }
      const mode = h.mode ?? 0o644;
      if (h.type === "directory") entries.push({ kind: "node", path, node: { kind: "dir", mode } });
      else if (h.type === "symlink") entries.push({ kind: "node", path, node: { kind: "link", target: h.linkname ?? "" } });
      else if (h.type === "link") {
        const t = components(h.linkname ?? "");
        if (t === undefined) problems.push({ code: "UNSAFE_PATH", message: `hard link "${h.name}" points out of the root ("${h.linkname}"): ignored` });
        else entries.push({ kind: "hardlink", path, target: `/${t.join("/")}` });
      } else if (h.type === "file" || h.type === "contiguous-file") {
        const size = h.size ?? 0;
        if (size > budget.limits.maxFileBytes) {
          problems.push({ code: "TOO_LARGE", message: `${path} is ${size} bytes, over the ${budget.limits.maxFileBytes}-byte file limit: not read` });
          for await (const _ of entry) void _;
          entries.push({ kind: "node", path, node: { kind: "file", size, mode } });
          continue;
        }
        let kept: boolean | undefined;
        // tar-stream's byteOffset: where this entry's data starts in the (uncompressed) layer stream.
        const dataAt = (h as { byteOffset?: number }).byteOffset;
        const locate = origin !== undefined && info.compressed === false && typeof dataAt === "number";
        const hash = createHash("sha256");
        let first: Buffer | undefined;
        // Located in the archive where the layer is not compressed, else written to the scratch file.
        let at: { file: string; offset: number } | undefined;
        let written = 0;
        for await (const c of entry as AsyncIterable<Buffer>) {
          if (kept === undefined) {
            kept = keepBytes(path, c, size);
            first = Buffer.from(c.subarray(0, 4));
            if (kept) at = locate ? { file: (origin as { file: string }).file, offset: (origin as { offset: number }).offset + dataAt } : budget.kept.reserve(size);
          }
          if (!kept) continue;
          hash.update(c);
          if (!locate) budget.kept.write(c, (at as { offset: number }).offset + written);
          written += c.length;
        }
        const node: MemNode = { kind: "file", size, mode };
        if (kept === true && at !== undefined) {
          node.at = at;
          node.hash = hash.digest("hex");
          if (first !== undefined) node.head = first;
        }
        entries.push({ kind: "node", path, node });
        continue;
      }
      entry.resume();
    }
  } catch (e) {
    throw asCorrupt(e, "layer");
  }
  if (failure !== undefined) throw asCorrupt(failure, "layer");
  return entries;
}

/**
 * Applies a layer onto the view: its whiteouts and opaque markers first (they hide what the lower layers hold, never
 * this layer's own entries), then its entries in order. A hard link copies the node its target names in the view.
 */
export function applyLayer(view: MemView, entries: readonly LayerEntry[], problems: ImageProblem[]): void {
  for (const e of entries) {
    if (e.kind === "opaque") view.clear(e.path);
    else if (e.kind === "whiteout") view.remove(e.path);
  }
  for (const e of entries) {
    if (e.kind === "node") view.set(e.path, e.node);
    else if (e.kind === "hardlink") {
      const target = view.node(e.target);
      if (target === undefined || target.kind === "dir") {
        problems.push({ code: "BAD_LINK", message: `hard link ${e.path} names ${e.target}, which the image does not hold as a file: ignored` });
      } else view.set(e.path, target);
    }
  }
}
