// @fileoverview Renders planned fixes as one unified diff (a/ and b/ prefixes, for `patch -p1` from the directory
// the paths are relative to). Uses the `diff` package; does no I/O.

import { relative } from "node:path";
import { createTwoFilesPatch } from "diff";

export function formatPatch(patches: readonly { path: string; before: string; after: string }[], cwd: string): string {
  return patches
    .filter((p) => p.before !== p.after)
    .map((p) => {
      const rel = relative(cwd, p.path).split("\\").join("/");
      return createTwoFilesPatch(`a/${rel}`, `b/${rel}`, p.before, p.after, "", "", { context: 3 })
        .split("\n")
        .filter((l) => !l.startsWith("==="))
        .join("\n");
    })
    .join("");
}
