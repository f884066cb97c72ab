// @fileoverview Opens an image by its content: a `docker save` archive, an OCI image layout (directory or tar, an
// index that may hold several platforms), or a root file system directory. Layers are read and applied in the
// manifest's order onto a MemView; nothing is extracted to disk and no name in the image reaches the host's paths
// (blob names are checked digests, archive members are looked up by name in what was read).

import { createHash } from "node:crypto";
import { accessSync, closeSync, constants, createReadStream, existsSync, lstatSync, openSync, readFileSync, readSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable, pipeline } from "node:stream";
import * as tar from "tar-stream";
import { Budget, DEFAULT_LIMITS, ImageError, applyLayer, asCorrupt, decompress, keepBytes, readLayer } from "./layers.js";
import type { ImageLimits, ImageProblem, LayerEntry } from "./layers.js";
import { MemView } from "./mem-view.js";
import type { MemFile } from "./mem-view.js";
import { readSmallText } from "../util/small-file.js";
import { errnoCode } from "../input/errors.js";
import { escapeName, utf8Name } from "../input/expand.js";

export type ImageKind = "docker-archive" | "oci-layout" | "rootfs";

/** What the image's configuration says runs (OCI image config `config` / Docker's). */
export interface ImageConfig {
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingDir: string;
}

export interface OpenedImage {
  kind: ImageKind;
  view: MemView;
  /** Undefined for a root file system (nothing says what runs). */
  config?: ImageConfig;
  /** "os/arch" of the image, when its configuration says. */
  platform?: string;
  layers: number;
  /** Entries skipped on the way; the rest was read. */
  problems: ImageProblem[];
  /** Lets go of what the view reads from (the scratch file of compressed layers' files). */
  close(): void;
}

export interface OpenOptions {
  /** "linux/amd64" (default) or "linux/arm64": which manifest of a multi-platform index. */
  platform?: string;
  limits?: Partial<ImageLimits>;
}

/** Members of an archive up to this size are kept whole (manifests, configs, small layers). */
const SMALL = 4 * 1024 * 1024;
/**
 * Bytes read from an archive or a layer at a time: each chunk passes through the decompressor and one or two tar
 * parsers as an async iteration step of its own, so 64 KiB chunks (the default) made reading a 462 MB archive cost
 * about twice its hashing; a few MiB in flight are nothing beside the files kept.
 */
const READ_CHUNK = 1024 * 1024;

function isTarHeader(b: Buffer): boolean {
  return b.length >= 263 && b.toString("latin1", 257, 262) === "ustar";
}

function readHead(path: string, n: number): Buffer {
  const b = Buffer.alloc(n);
  const fd = openSyncSafe(path);
  if (fd === undefined) return Buffer.alloc(0);
  try {
    return b.subarray(0, readSyncSafe(fd, b));
  } finally {
    closeSyncSafe(fd);
  }
}

function openSyncSafe(p: string): number | undefined {
  try {
    return openSync(p, "r");
  } catch {
    return undefined;
  }
}
function readSyncSafe(fd: number, b: Buffer): number {
  try {
    return readSync(fd, b, 0, b.length, 0);
  } catch {
    return 0;
  }
}
function closeSyncSafe(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // nothing to do
  }
}

/**
 * What an input path holds, by content: an archive (tar, or gzip/zstd around one) holding a manifest.json or an
 * index.json, an OCI layout directory (oci-layout or index.json), a Docker directory (manifest.json), or a root file
 * system (a directory with /etc, /usr and a /lib*). Undefined: none of these.
 */
export function sniffImage(path: string): "archive" | "layout-dir" | "rootfs" | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) {
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      return undefined;
    }
    if (names.includes("oci-layout") || names.includes("index.json") || names.includes("manifest.json")) return "layout-dir";
    if (names.includes("etc") && names.includes("usr") && names.some((n) => /^lib/.test(n))) return "rootfs";
    return undefined;
  }
  if (!st.isFile()) return undefined;
  const head = readHead(path, 512);
  if (isTarHeader(head)) return "archive";
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "archive";
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return "archive";
  return undefined;
}

/** The blobs and files an image is made of, by name ("manifest.json", "blobs/sha256/<hex>"). */
interface Members {
  /** The JSON text of a member, or undefined. */
  text(name: string): string | undefined;
  /** A layer's entries. */
  layer(name: string, budget: Budget, problems: ImageProblem[]): Promise<LayerEntry[]>;
}

function normalName(n: string): string {
  return n.replace(/^(\.\/)+/, "").replace(/^\/+/, "");
}

/** A directory's members: only plain relative names without `..` are opened. */
function dirMembers(dir: string): Members {
  const safe = (name: string): string => {
    const n = normalName(name);
    if (n === "" || n.split("/").some((c) => c === ".." || c === "")) throw new ImageError("BAD_MANIFEST", `the manifest names "${name}", which is not a plain name inside the image`);
    return join(dir, n);
  };
  return {
    text(name) {
      const p = safe(name);
      if (!existsSync(p)) return undefined;
      // Read only as a small regular file: a FIFO would block the read, a link to /dev/zero would never end it.
      const text = readSmallText(p, SMALL);
      if (text === undefined) throw new ImageError("BAD_MANIFEST", `${name} is not a regular file of at most ${SMALL} bytes: not read`);
      return text;
    },
    async layer(name, budget, problems) {
      const p = safe(name);
      let st;
      try {
        st = statSync(p);
      } catch {
        throw new ImageError("MISSING_LAYER", `the manifest names layer ${name}, which the image does not hold`);
      }
      if (!st.isFile()) throw new ImageError("MISSING_LAYER", `the manifest names layer ${name}, which is not a regular file: not read`);
      return readLayer(createReadStream(p, { highWaterMark: READ_CHUNK }), budget, problems, { file: p, offset: 0 });
    },
  };
}

/**
 * An archive's members, in one pass over it: small members are kept whole, large ones are read as layers as they go
 * by (a Docker archive may list its manifest last). Layers are applied later, in the manifest's order.
 */
async function archiveMembers(path: string, limits: ImageLimits, budget: Budget, problems: ImageProblem[]): Promise<Members> {
  const small = new Map<string, Buffer>();
  const large = new Map<string, LayerEntry[] | ImageError>();
  const ex = tar.extract();
  const outer = new Budget({ ...limits, maxImageBytes: limits.maxImageBytes });
  let failure: Error | undefined;
  const info: { compressed?: boolean } = {};
  pipeline(Readable.from(decompress(createReadStream(path, { highWaterMark: READ_CHUNK }), outer, info)), ex, (e) => {
    if (e) failure = e;
  });
  try {
    for await (const entry of ex) {
      outer.entry();
      const name = normalName(entry.header.name);
      if (entry.header.type !== "file" && entry.header.type !== "contiguous-file") {
        entry.resume();
        continue;
      }
      // What looks like JSON (a manifest, an index, a config) and is small is kept whole; anything else is read as a
      // layer as it goes by, whatever its size: kept whole, 300 small layers of an archive were 300 copies in memory.
      const it = (entry as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
      const head = await it.next();
      const first = head.done === true ? Buffer.alloc(0) : head.value;
      const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => it };
      if ((entry.header.size ?? 0) <= SMALL && looksLikeJson(first)) {
        const chunks: Buffer[] = [first];
        for await (const c of rest) chunks.push(c);
        small.set(name, Buffer.concat(chunks));
        continue;
      }
      try {
        const at = (entry.header as { byteOffset?: number }).byteOffset;
        const origin = info.compressed === false && typeof at === "number" ? { file: path, offset: at } : undefined;
        large.set(name, await readLayer(prepend(first, rest), budget, problems, origin));
      } catch (e) {
        if (!(e instanceof ImageError) || e.code === "TOO_LARGE" || e.code === "TOO_MANY_FILES") throw e;
        large.set(name, e);
        for await (const _ of rest) void _; // the rest of a member that is not a layer
      }
    }
  } catch (e) {
    throw asCorrupt(e, "archive");
  }
  if (failure !== undefined) throw asCorrupt(failure, "archive");
  return {
    text: (name) => small.get(normalName(name))?.toString("utf8"),
    async layer(name, b, pr) {
      const n = normalName(name);
      const got = large.get(n);
      if (got instanceof ImageError) throw new ImageError(got.code, `layer ${n}: ${got.message}`);
      if (got !== undefined) return got;
      const bytes = small.get(n);
      if (bytes === undefined) throw new ImageError("MISSING_LAYER", `the manifest names layer ${n}, which the archive does not hold`);
      try {
        return await readLayer(Readable.from([bytes]), b, pr);
      } catch (e) {
        throw e instanceof ImageError ? new ImageError(e.code, `layer ${n}: ${e.message}`) : e;
      }
    },
  };
}

/** Whether a member's first bytes start a JSON object or array (after blanks). */
function looksLikeJson(head: Buffer): boolean {
  for (const b of head) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b || b === 0x5b;
  }
  return true; // empty, or blanks so far: kept (a layer is never either)
}

async function* prepend(first: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  if (first.length > 0) yield first;
  yield* rest;
}

function parseJson(text: string | undefined, what: string): Record<string, unknown> | unknown[] {
  if (text === undefined) throw new ImageError("BAD_MANIFEST", `${what} is missing`);
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== "object" || v === null) throw new Error("not an object");
    return v as Record<string, unknown>;
  } catch (e) {
    throw new ImageError("BAD_MANIFEST", `${what} is not valid JSON: ${(e as Error).message}`);
  }
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

function configOf(json: Record<string, unknown>): { config: ImageConfig; platform?: string } {
  const c = (typeof json.config === "object" && json.config !== null ? json.config : {}) as Record<string, unknown>;
  const out: { config: ImageConfig; platform?: string } = {
    config: { entrypoint: strings(c.Entrypoint), cmd: strings(c.Cmd), env: strings(c.Env), workingDir: typeof c.WorkingDir === "string" ? c.WorkingDir : "" },
  };
  if (typeof json.os === "string" && typeof json.architecture === "string") out.platform = `${json.os}/${json.architecture}`;
  return out;
}

/** A JSON object, or the manifest is refused: a `null`, an array or a number where an object belongs is damage. */
function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ImageError("BAD_MANIFEST", `${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** "sha256:<hex>" → "blobs/sha256/<hex>"; anything else is refused (a digest is never a path). */
function blobName(digest: unknown): string {
  if (typeof digest !== "string" || !/^[a-z0-9]+:[a-f0-9]{32,128}$/.test(digest)) throw new ImageError("BAD_MANIFEST", `bad digest ${JSON.stringify(digest)}`);
  const [alg, hex] = digest.split(":") as [string, string];
  return `blobs/${alg}/${hex}`;
}

const INDEX_TYPES = new Set(["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"]);

/** The image manifest of an OCI index for a platform (nested indexes followed, three deep). */
function pickManifest(members: Members, index: Record<string, unknown>, platform: string, depth = 0): Record<string, unknown> {
  const list = Array.isArray(index.manifests) ? (index.manifests as Record<string, unknown>[]) : [];
  if (list.length === 0) throw new ImageError("BAD_MANIFEST", "index.json lists no manifest");
  const [os, arch] = platform.split("/");
  const plat = (m: Record<string, unknown>): string | undefined => {
    const p = m.platform as { os?: string; architecture?: string } | undefined;
    return p?.os !== undefined && p.architecture !== undefined ? `${p.os}/${p.architecture}` : undefined;
  };
  const candidates = list.filter((m) => typeof m === "object" && m !== null && plat(m) !== "unknown/unknown");
  const chosen = candidates.length === 1 && plat(candidates[0] as Record<string, unknown>) === undefined ? candidates[0] : candidates.find((m) => plat(m) === `${os}/${arch}`) ?? candidates.find((m) => plat(m) === undefined);
  if (chosen === undefined) {
    throw new ImageError("NO_PLATFORM", `no manifest for ${platform} (the index has ${[...new Set(candidates.map((m) => plat(m) ?? "unnamed"))].sort().join(", ")}; see --platform)`);
  }
  const json = record(parseJson(members.text(blobName(chosen.digest)), `manifest ${String(chosen.digest)}`), `manifest ${String(chosen.digest)}`);
  if (INDEX_TYPES.has(String(chosen.mediaType ?? json.mediaType)) || Array.isArray(json.manifests)) {
    if (depth > 2) throw new ImageError("BAD_MANIFEST", "indexes nested too deep");
    return pickManifest(members, json, platform, depth + 1);
  }
  return json;
}

/**
 * Opens an image archive or layout directory (see sniffImage), or a root file system when `rootfs`. The caller
 * calls close() when done with the view: the files of compressed layers are read from a scratch file until then.
 */
export async function openImage(path: string, options: OpenOptions = {}, rootfs = false): Promise<OpenedImage> {
  const limits: ImageLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const problems: ImageProblem[] = [];
  if (rootfs) return { kind: "rootfs", view: readRootfs(path, limits, problems), layers: 0, problems, close: () => undefined };
  const budget = new Budget(limits);
  try {
    return { ...(await openLayers(path, options, limits, budget, problems)), close: () => budget.kept.close() };
  } catch (e) {
    budget.kept.close();
    throw e;
  }
}

async function openLayers(path: string, options: OpenOptions, limits: ImageLimits, budget: Budget, problems: ImageProblem[]): Promise<Omit<OpenedImage, "close">> {
  const st = statSync(path);
  const members = st.isDirectory() ? dirMembers(path) : await archiveMembers(path, limits, budget, problems);
  let layerNames: string[];
  let configText: string | undefined;
  let kind: ImageKind;
  const docker = members.text("manifest.json");
  if (docker !== undefined) {
    kind = "docker-archive";
    const m = parseJson(docker, "manifest.json");
    if (!Array.isArray(m) || m.length === 0) throw new ImageError("BAD_MANIFEST", "manifest.json lists no image");
    const first = record(m[0], "manifest.json's first image");
    layerNames = strings(first.Layers);
    if (typeof first.Config !== "string") throw new ImageError("BAD_MANIFEST", "manifest.json names no Config");
    configText = members.text(first.Config);
    if (configText === undefined) throw new ImageError("BAD_MANIFEST", `manifest.json names config ${first.Config}, which the image does not hold`);
  } else {
    const index = members.text("index.json");
    if (index === undefined) throw new ImageError("NOT_IMAGE", "neither manifest.json (docker save) nor index.json (OCI layout) found");
    kind = "oci-layout";
    const manifest = pickManifest(members, record(parseJson(index, "index.json"), "index.json"), options.platform ?? "linux/amd64");
    const layers: unknown[] = Array.isArray(manifest.layers) ? manifest.layers : [];
    layerNames = layers.map((l, i) => blobName(record(l, `the manifest's layer ${i + 1}`).digest));
    const cfg = manifest.config as { digest?: unknown } | undefined;
    configText = members.text(blobName(cfg?.digest));
    if (configText === undefined) throw new ImageError("BAD_MANIFEST", `the manifest names config ${String(cfg?.digest)}, which the image does not hold`);
  }
  const { config, platform } = configOf(record(parseJson(configText, "the image config"), "the image config"));
  if (options.platform !== undefined && platform !== undefined && platform !== options.platform) {
    throw new ImageError("NO_PLATFORM", `the image is ${platform}, not ${options.platform}`);
  }
  const view = new MemView();
  // A layer the manifest names more than once (the empty layer of a metadata-only step, or a manifest made to
  // repeat one) is read once and its entries applied again: read each time, 1,800 mentions of one 780 KB layer
  // held 1.4 GB of copies of its program. Kept only until its last mention.
  const left = new Map<string, number>();
  for (const name of layerNames) left.set(name, (left.get(name) ?? 0) + 1);
  const again = new Map<string, LayerEntry[]>();
  for (const name of layerNames) {
    const entries = again.get(name) ?? (await members.layer(name, budget, problems));
    const n = (left.get(name) as number) - 1;
    left.set(name, n);
    if (n > 0) again.set(name, entries);
    else again.delete(name);
    applyLayer(view, entries, problems);
  }
  const out: Omit<OpenedImage, "close"> = { kind, view, config, layers: layerNames.length, problems };
  if (platform !== undefined) out.platform = platform;
  return out;
}

/**
 * A root file system directory read into a MemView like an image's layers: links are kept as links (resolved inside
 * the view, never by the host), only the bytes the scan needs are read.
 */
function readRootfs(root: string, limits: ImageLimits, problems: ImageProblem[]): MemView {
  const view = new MemView();
  const budget = new Budget(limits);
  // What cannot be read or named is one problem line each (the scan then exits 2): nothing is left out silently.
  const cannot = (p: string, e: unknown, what: string): void => {
    const code = errnoCode(e);
    problems.push({ code, message: `${p}: ${what} cannot be read (${code}): not scanned` });
  };
  const walk = (host: string, inView: string): void => {
    let raw: Buffer[];
    try {
      // As bytes: a name that is not UTF-8 would come back with U+FFFD in it, naming no file.
      raw = readdirSync(host, { encoding: "buffer" });
    } catch (e) {
      cannot(inView, e, "the directory");
      return;
    }
    const names: string[] = [];
    for (const b of raw) {
      const name = utf8Name(b);
      if (name !== undefined) names.push(name);
      else problems.push({ code: "BAD_NAME", message: `${inView === "/" ? "" : inView}/${escapeName(b)}: the file name is not valid UTF-8: not scanned (shown with \\x escapes)` });
    }
    for (const name of names.sort()) {
      budget.entry();
      const h = join(host, name);
      const p = inView === "/" ? `/${name}` : `${inView}/${name}`;
      let st;
      try {
        st = lstatSync(h);
      } catch (e) {
        cannot(p, e, "the entry");
        continue;
      }
      if (st.isDirectory()) {
        view.set(p, { kind: "dir", mode: st.mode & 0o7777 });
        walk(h, p);
      } else if (st.isSymbolicLink()) {
        try {
          view.set(p, { kind: "link", target: readlinkSync(h) });
        } catch {
          // unreadable link: left out
        }
      } else if (st.isFile()) {
        if (st.size > limits.maxFileBytes) {
          problems.push({ code: "TOO_LARGE", message: `${p} is ${st.size} bytes, over the ${limits.maxFileBytes}-byte file limit: not read` });
          view.set(p, { kind: "file", size: st.size, mode: st.mode & 0o7777 });
          continue;
        }
        try {
          accessSync(h, constants.R_OK);
        } catch (e) {
          cannot(p, e, "the file");
          view.set(p, { kind: "file", size: st.size, mode: st.mode & 0o7777 });
          continue;
        }
        const head = readHead(h, 4);
        const node: MemFile = { kind: "file", size: st.size, mode: st.mode & 0o7777 };
        if (keepBytes(p, head, st.size)) {
          try {
            // Hashed now, read again when scanned: memory holds the files in flight, not the tree.
            const data = readFileSync(h);
            budget.take(data.length);
            node.hash = createHash("sha256").update(data).digest("hex");
            node.at = { file: h, offset: 0 };
            node.head = head;
          } catch {
            // unreadable: kept as a file without bytes
          }
        }
        view.set(p, node);
      }
    }
  };
  walk(root, "/");
  return view;
}

