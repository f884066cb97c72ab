// @fileoverview Builds container images at test time from staged directories (real Debian packages' contents):
// the same layers as a `docker save` archive, an OCI image layout (directory and tar; gzip and zstd layers), and
// the root file system they make once applied. GNU tar, gzip and zstd do the packing.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ImageSpec {
  /** Staged layer directories, lowest first (whiteout files `.wh.NAME` and `.wh..wh..opq` included as files). */
  layers: string[];
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
  architecture?: string;
}

const sha = (b: Buffer | string): string => createHash("sha256").update(b).digest("hex");

/** A layer's tar: entries named ./path, owners zeroed, sorted, as image builders write them. */
export function layerTar(dir: string, out: string): Buffer {
  execFileSync("tar", ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "-C", dir, "-cf", out, "."]);
  return readFileSync(out);
}

function config(spec: ImageSpec, diffIds: string[]): string {
  const c: Record<string, unknown> = { Env: spec.env ?? ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] };
  if (spec.entrypoint !== undefined) c.Entrypoint = spec.entrypoint;
  if (spec.cmd !== undefined) c.Cmd = spec.cmd;
  if (spec.workingDir !== undefined) c.WorkingDir = spec.workingDir;
  return JSON.stringify({ architecture: spec.architecture ?? "amd64", os: "linux", config: c, rootfs: { type: "layers", diff_ids: diffIds.map((d) => `sha256:${d}`) } });
}

/**
 * A `docker save` archive (Docker's legacy layout: <id>/layer.tar, <config>.json, manifest.json written last, as
 * Docker does). `extra` adds or replaces members (hostile cases).
 */
export function dockerArchive(spec: ImageSpec, out: string, options: { manifestLayers?: string[]; extra?: Record<string, Buffer | string> } = {}): void {
  const work = mkdtempSync(join(tmpdir(), "unifit-docker-"));
  try {
    const names: string[] = [];
    const diffIds: string[] = [];
    spec.layers.forEach((dir, i) => {
      const tarPath = join(work, `layer${i}.tar`);
      const bytes = layerTar(dir, tarPath);
      const id = sha(bytes);
      mkdirSync(join(work, "root", id), { recursive: true });
      writeFileSync(join(work, "root", id, "layer.tar"), bytes);
      rmSync(tarPath);
      names.push(`${id}/layer.tar`);
      diffIds.push(id);
    });
    const cfg = config(spec, diffIds);
    const cfgName = `${sha(cfg)}.json`;
    writeFileSync(join(work, "root", cfgName), cfg);
    writeFileSync(join(work, "root", "manifest.json"), JSON.stringify([{ Config: cfgName, RepoTags: ["unifit/test:1"], Layers: options.manifestLayers ?? names }]));
    for (const [name, content] of Object.entries(options.extra ?? {})) {
      mkdirSync(join(work, "root", name, ".."), { recursive: true });
      writeFileSync(join(work, "root", name), content);
    }
    // Layers first, manifest last: a reader cannot rely on the manifest coming first.
    execFileSync("tar", ["-C", join(work, "root"), "-cf", out, ...names.map((n) => n.split("/")[0] as string), cfgName, ...Object.keys(options.extra ?? {}), "manifest.json"]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** An OCI image layout directory: layers gzip-compressed, the last one zstd when `zstd` (both are allowed). */
export function ociLayout(spec: ImageSpec, dir: string, options: { zstd?: boolean; platforms?: string[] } = {}): void {
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  const put = (b: Buffer | string): string => {
    const d = sha(b);
    writeFileSync(join(dir, "blobs", "sha256", d), b);
    return d;
  };
  const layers: { mediaType: string; digest: string; size: number }[] = [];
  const diffIds: string[] = [];
  spec.layers.forEach((src, i) => {
    const tarPath = join(dir, `layer${i}.tar`);
    const raw = layerTar(src, tarPath);
    diffIds.push(sha(raw));
    const last = i === spec.layers.length - 1;
    const z = last && options.zstd === true;
    execFileSync(z ? "zstd" : "gzip", z ? ["-q", "-f", "--rm", tarPath, "-o", `${tarPath}.z`] : ["-n", "-f", tarPath]);
    const packed = readFileSync(z ? `${tarPath}.z` : `${tarPath}.gz`);
    rmSync(z ? `${tarPath}.z` : `${tarPath}.gz`);
    layers.push({ mediaType: `application/vnd.oci.image.layer.v1.tar+${z ? "zstd" : "gzip"}`, digest: `sha256:${put(packed)}`, size: packed.length });
  });
  const manifests = (options.platforms ?? ["linux/amd64"]).map((platform) => {
    const [os, architecture] = platform.split("/") as [string, string];
    const cfg = config({ ...spec, architecture }, diffIds).replace('"os":"linux"', `"os":"${os}"`);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: `sha256:${put(cfg)}`, size: cfg.length },
      layers,
    });
    return { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `sha256:${put(manifest)}`, size: manifest.length, platform: { os, architecture } };
  });
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }));
}

/** A directory packed as a tar (an OCI layout archive). */
export function tarDir(dir: string, out: string): void {
  execFileSync("tar", ["--sort=name", "-C", dir, "-cf", out, "."]);
}

/** The root file system the layers make: each applied in order, whiteouts and opaque directories honoured. */
export function rootfsOf(layers: readonly string[], out: string): void {
  mkdirSync(out, { recursive: true });
  for (const layer of layers) {
    const listing = execFileSync("find", [layer, "-name", ".wh.*"], { encoding: "utf8" }).split("\n").filter((l) => l !== "");
    for (const wh of listing) {
      const rel = wh.slice(layer.length);
      const base = rel.slice(rel.lastIndexOf("/") + 1);
      const dir = rel.slice(0, rel.lastIndexOf("/"));
      if (base === ".wh..wh..opq") execFileSync("find", [join(out, dir), "-mindepth", "1", "-delete"]);
      else rmSync(join(out, dir, base.slice(4)), { recursive: true, force: true });
    }
    cpSync(layer, out, { recursive: true, verbatimSymlinks: true, filter: (src) => !src.slice(src.lastIndexOf("/") + 1).startsWith(".wh.") });
  }
}
