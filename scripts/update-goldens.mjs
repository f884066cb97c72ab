#!/usr/bin/env node
// Regenerates test/report/golden/sample.<format> from the built CLI (run `npm run build` first). Only this script
// writes them; review the diff before committing (a golden that changes is a report that changed).
import { writeFileSync } from "node:fs";
import { FORMATS, goldenPath, renderAll } from "../dist/test/report/golden-cases.js";

const { run, outputs } = renderAll(1);
if (run.code !== 0 && run.code !== 1) {
  process.stderr.write(run.stderr);
  process.exit(2);
}
for (const f of FORMATS) {
  writeFileSync(goldenPath(f), outputs.get(f));
  console.log(`wrote ${goldenPath(f)}`);
}
