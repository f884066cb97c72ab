// @fileoverview Paths the tests share: the project root, the cache, the built CLI.

import { join } from "node:path";
import { packageInfo } from "../../src/util/package-root.js";

export const ROOT = packageInfo().root;
export const CACHE = join(ROOT, ".cache");
export const CLI = join(ROOT, "dist", "src", "cli", "main.js");
export const fixture = (...p: string[]): string => join(ROOT, "fixtures", ...p);
export const debianBinary = (pkg: string, path: string): string => join(CACHE, "debian", pkg, path);
