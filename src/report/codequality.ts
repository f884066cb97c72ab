// @fileoverview GitLab Code Quality (a CodeClimate subset): a JSON array of issues with description, check_name,
// fingerprint, severity and location, shown in the merge-request widget. One entry per issue (in report order, see
// IssueOrder), written as it comes; a binary has no lines, so its findings point at line 1 and name the function in
// the description (scanned with its sources: at the source line of its first code site).

import { IssueOrder } from "./issues.js";
import { memorySpool } from "./spool.js";
import { whole } from "./types.js";
import type { StreamFormatter } from "./types.js";

/** GitLab's severities: info, minor, major, critical, blocker. */
const SEVERITY = { blocker: "blocker", warning: "minor" } as const;

export const codequalityStream: StreamFormatter = (write, options) => {
  const order = new IssueOrder(options.spool ?? memorySpool);
  return {
    file: (f) => order.add(f),
    end() {
      let n = 0;
      order.drain((i) => {
        const where = i.location === undefined && i.chain !== undefined ? ` (${i.chain.join(" -> ")})` : "";
        const hint = i.hint !== undefined ? `. ${i.hint}` : "";
        const entry = {
          description: `${i.kind === "rule" ? `${i.name}: ` : ""}${i.message}${i.kind === "syscall" ? "" : where}${hint}`,
          check_name: i.key,
          fingerprint: i.fingerprint,
          severity: SEVERITY[i.level],
          // A binary scanned with its sources points at the first code site's source line.
          location: i.places?.[0] !== undefined ? { path: i.places[0].file, lines: { begin: i.places[0].line } } : { path: i.path, lines: { begin: i.location?.line ?? 1 } },
        };
        // As JSON.stringify(entries, null, 2) lays out each element of the array.
        write(`${n++ === 0 ? "[\n" : ",\n"}  ${JSON.stringify(entry, null, 2).replace(/\n/g, "\n  ")}`);
      });
      write(n === 0 ? "[]\n" : "\n]\n");
    },
  };
};

export const codequality = whole(codequalityStream);
