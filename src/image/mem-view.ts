// @fileoverview An image's file system, applied layer by layer in memory (never extracted to disk): whiteouts and
// opaque directories, hard links copied inside the view, and path resolution that never leaves the view (absolute
// links start again at the view's root, `..` stops at it, link chains are bounded). Only the bytes the scan needs
// are located (ELF files, scripts, the loader's configuration); every other file keeps its size alone.

import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import type { FileView } from "../input/view.js";

export interface MemFile {
  kind: "file";
  size: number;
  mode: number;
  /**
   * Where the bytes sit unchanged in a file on the host (an uncompressed layer inside the archive, a root file
   * system's file, the scratch file of compressed layers): read when asked for and checked against `hash`, so
   * memory holds only the files in flight.
   */
  at?: { file: string; offset: number };
  /** SHA-256 of the bytes, when located. */
  hash?: string;
  /** The first bytes (up to 4), when located. */
  head?: Buffer;
}

/** The bytes of a located file, or undefined when they are not what was hashed when the layer was read. */
function readAt(f: MemFile): Buffer | undefined {
  if (f.at === undefined) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(f.at.file, "r");
    const b = Buffer.allocUnsafe(f.size);
    let got = 0;
    while (got < f.size) {
      const n = readSync(fd, b, got, f.size - got, f.at.offset + got);
      if (n === 0) return undefined;
      got += n;
    }
    return createHash("sha256").update(b).digest("hex") === f.hash ? b : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
/** A MemView as it is handed to a worker thread: its nodes as JSON (every file's bytes are read from where it is located). */
export interface SharedView {
  id: string;
  /** UTF-8 JSON of SharedNode[], in shared memory: a task that carries it copies nothing. */
  nodes: SharedArrayBuffer;
}
type SharedFile = Omit<MemFile, "head"> & { head?: string };
type SharedNode = [path: string, node: Exclude<MemNode, MemFile> | SharedFile];

export type MemNode = MemFile | { kind: "dir"; mode: number } | { kind: "link"; target: string };

/** Symbolic links followed at most while resolving one path (Linux's own limit, MAXSYMLINKS). */
const MAX_LINKS = 40;

let views = 0;

/** Splits a path into its components, or undefined when `..` would climb above the root. */
export function components(path: string): string[] | undefined {
  const out: string[] = [];
  for (const c of path.split("/")) {
    if (c === "" || c === ".") continue;
    if (c === "..") {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(c);
  }
  return out;
}

export class MemView implements FileView {
  readonly id = `mem${++views}`;
  private readonly nodes = new Map<string, MemNode>([["/", { kind: "dir", mode: 0o755 }]]);
  private readonly children = new Map<string, Set<string>>([["/", new Set()]]);

  private shared: SharedView | undefined;

  /** The view for a worker thread (made once; a view is not changed after its image is opened). */
  share(): SharedView {
    if (this.shared !== undefined) return this.shared;
    const out: SharedNode[] = [];
    for (const [path, n] of this.nodes) {
      if (n.kind !== "file") {
        out.push([path, n]);
        continue;
      }
      const { head, ...rest } = n;
      const s: SharedFile = rest;
      if (head !== undefined) s.head = head.toString("base64");
      out.push([path, s]);
    }
    const json = Buffer.from(JSON.stringify(out));
    const nodes = new SharedArrayBuffer(json.length);
    json.copy(Buffer.from(nodes));
    this.shared = { id: this.id, nodes };
    return this.shared;
  }

  /** A worker's copy of a shared view: the same nodes. */
  static fromShared(s: SharedView): MemView {
    const v = new MemView();
    const nodes = JSON.parse(Buffer.from(s.nodes).toString("utf8")) as SharedNode[];
    for (const [path, n] of nodes) {
      if (n.kind !== "file") {
        v.nodes.set(path, n);
        if (n.kind === "dir") v.children.set(path, new Set());
        continue;
      }
      const { head, ...rest } = n;
      const f: MemFile = rest;
      if (head !== undefined) f.head = Buffer.from(head, "base64");
      v.nodes.set(path, f);
    }
    for (const path of v.nodes.keys()) {
      if (path === "/") continue;
      const p = MemView.parent(path);
      v.children.get(p)?.add(path.slice(p === "/" ? 1 : p.length + 1));
    }
    return v;
  }

  /** The node at an exact normalised path (no link followed), e.g. "/usr/bin". */
  node(path: string): MemNode | undefined {
    return this.nodes.get(path);
  }

  /** Every path whose node is a regular file, sorted. */
  files(): string[] {
    const out: string[] = [];
    for (const [p, n] of this.nodes) if (n.kind === "file") out.push(p);
    return out.sort();
  }

  private static join(dir: string, name: string): string {
    return dir === "/" ? `/${name}` : `${dir}/${name}`;
  }

  private static parent(path: string): string {
    const i = path.lastIndexOf("/");
    return i <= 0 ? "/" : path.slice(0, i);
  }

  /** Removes a path and everything under it. */
  remove(path: string): void {
    if (path === "/") {
      for (const c of [...(this.children.get("/") ?? [])]) this.remove(MemView.join("/", c));
      return;
    }
    const n = this.nodes.get(path);
    if (n === undefined) return;
    if (n.kind === "dir") for (const c of [...(this.children.get(path) ?? [])]) this.remove(MemView.join(path, c));
    this.nodes.delete(path);
    this.children.delete(path);
    const p = MemView.parent(path);
    this.children.get(p)?.delete(path.slice(p === "/" ? 1 : p.length + 1));
  }

  /** Removes everything under a directory, keeping the directory (an opaque whiteout). */
  clear(dir: string): void {
    for (const c of [...(this.children.get(dir) ?? [])]) this.remove(MemView.join(dir, c));
  }

  /** Makes the parent directories of a path (replacing what is not a directory, as a layer's tar does). */
  private ensureDir(path: string): void {
    if (path === "/") return;
    const n = this.nodes.get(path);
    if (n?.kind === "dir") return;
    if (n !== undefined) this.remove(path);
    const p = MemView.parent(path);
    this.ensureDir(p);
    this.nodes.set(path, { kind: "dir", mode: 0o755 });
    this.children.set(path, new Set());
    this.children.get(p)?.add(path.slice(p === "/" ? 1 : p.length + 1));
  }

  /** Puts a node at a normalised path: a directory stays a directory (mode updated), anything else replaces. */
  set(path: string, node: MemNode): void {
    if (path === "/") return;
    const have = this.nodes.get(path);
    if (node.kind === "dir") {
      if (have?.kind === "dir") {
        have.mode = node.mode;
        return;
      }
      this.ensureDir(path);
      (this.nodes.get(path) as { mode: number }).mode = node.mode;
      return;
    }
    if (have !== undefined) this.remove(path);
    const p = MemView.parent(path);
    this.ensureDir(p);
    this.nodes.set(path, node);
    this.children.get(p)?.add(path.slice(p === "/" ? 1 : p.length + 1));
  }

  /**
   * Resolves a path inside the view: links followed (absolute targets from the view's root, `..` stopping at it),
   * the last one too unless `followLast` is false. Undefined when a component is missing or links loop.
   */
  resolve(path: string, followLast = true): string | undefined {
    let todo = components(path.startsWith("/") ? path : `/${path}`) ?? [];
    let at: string[] = [];
    let hops = 0;
    while (todo.length > 0) {
      const name = todo.shift() as string;
      if (name === "..") {
        at.pop();
        continue;
      }
      const next = [...at, name];
      const p = `/${next.join("/")}`;
      const n = this.nodes.get(p);
      if (n === undefined) return undefined;
      if (n.kind === "link" && (todo.length > 0 || followLast)) {
        if (++hops > MAX_LINKS) return undefined;
        // Components of the target, `..` kept so that it climbs from the link's directory (never above the root).
        const target = n.target.split("/").filter((c) => c !== "" && c !== ".");
        if (n.target.startsWith("/")) at = [];
        todo = [...target, ...todo];
        continue;
      }
      if (n.kind !== "dir" && todo.length > 0) return undefined;
      at = next;
    }
    return `/${at.join("/")}`;
  }

  /** The regular file at a path (links followed), if any. */
  file(path: string): MemFile | undefined {
    const r = this.resolve(path);
    const n = r === undefined ? undefined : this.nodes.get(r);
    return n?.kind === "file" ? n : undefined;
  }

  isFile(path: string): boolean {
    return this.file(path) !== undefined;
  }

  readFile(path: string): Buffer | undefined {
    const f = this.file(path);
    return f === undefined ? undefined : readAt(f);
  }

  /** The first bytes of a file, for telling ELF files from the rest without reading them whole. */
  head(path: string): Buffer | undefined {
    const f = this.file(path);
    if (f === undefined) return undefined;
    return f.head;
  }

  contentHash(path: string): string | undefined {
    return this.file(path)?.hash;
  }

  readdir(path: string): string[] | undefined {
    const r = this.resolve(path);
    if (r === undefined || this.nodes.get(r)?.kind !== "dir") return undefined;
    return [...(this.children.get(r) ?? [])].sort();
  }
}
