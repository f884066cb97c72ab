// @fileoverview Finds this package's root (the folder with its package.json), from src/ or dist/src/ alike.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: { root: string; name: string; version: string } | undefined;

export function packageInfo(): { root: string; name: string; version: string } {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "unifit") {
        cached = { root: dir, name: pkg.name, version: pkg.version ?? "0.0.0" };
        return cached;
      }
    }
    dir = dirname(dir);
  }
  throw new Error("cannot find unifit's package.json above " + fileURLToPath(import.meta.url));
}
