// @fileoverview Compiles a C program at test time with gcc (or musl-gcc), cached by a hash of source, flags and
// compiler version under .cache/build, so that a test run compiles each program once.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { basename, join } from "node:path";
import { CACHE } from "./paths.js";

const versions = new Map<string, string>();
function compilerVersion(cc: string): string {
  let v = versions.get(cc);
  if (v === undefined) {
    v = execFileSync(cc, ["--version"], { encoding: "utf8" }).split("\n")[0] ?? cc;
    versions.set(cc, v);
  }
  return v;
}

export function compile(source: string, flags: readonly string[] = [], cc = "gcc"): string {
  const text = readFileSync(source);
  const hash = createHash("sha256").update(text).update(flags.join(" ")).update(compilerVersion(cc)).digest("hex").slice(0, 16);
  const dir = join(CACHE, "build");
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${basename(source, ".c")}-${hash}`);
  if (!existsSync(out)) {
    const tmp = `${out}.${process.pid}.tmp`;
    execFileSync(cc, ["-O1", "-o", tmp, source, ...flags], { stdio: ["ignore", "ignore", "inherit"] });
    renameSync(tmp, out);
  }
  return out;
}

/** Builds a one-file Go program, statically (CGO_ENABLED=0), cached like compile() by source and Go version. */
export function compileGo(source: string): string {
  const text = readFileSync(source);
  const version = execFileSync("go", ["version"], { encoding: "utf8" }).trim();
  const hash = createHash("sha256").update(text).update(version).digest("hex").slice(0, 16);
  const dir = join(CACHE, "build");
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${basename(source, ".go")}-${hash}`);
  if (!existsSync(out)) {
    const tmp = `${out}.${process.pid}.tmp`;
    execFileSync("go", ["build", "-o", tmp, source], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, CGO_ENABLED: "0", GOCACHE: join(CACHE, "go-build"), GOPATH: join(CACHE, "go"), GOFLAGS: "-mod=mod", GO111MODULE: "off" },
    });
    renameSync(tmp, out);
  }
  return out;
}
