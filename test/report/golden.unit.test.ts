// @fileoverview Golden reports: every format of one scan of the fixture programs (a binary and a C source), whole,
// version redacted, equal to test/report/golden/sample.<format> (regenerated only by scripts/update-goldens.mjs),
// byte for byte across two runs and across -j 1 and -j 2, and the streamed JSON equal to the kept one.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { FORMATS, goldenPath, renderAll, renderStreamedJson } from "./golden-cases.js";

describe("golden reports", () => {
  const one = renderAll(1);
  const two = renderAll(2);

  it("the scan exits 1 (the sample is blocked on some default targets) with nothing on stderr", () => {
    assert.equal(one.run.code, 1, one.run.stderr);
    assert.equal(one.run.stderr, "");
    assert.equal(two.run.code, 1, two.run.stderr);
  });

  for (const f of FORMATS) {
    it(`${f}: equal to its golden file, with -j 1 and with -j 2`, () => {
      const golden = readFileSync(goldenPath(f), "utf8");
      assert.equal(one.outputs.get(f), golden, `${f} differs from ${goldenPath(f)} (node scripts/update-goldens.mjs, then review the diff)`);
      assert.equal(two.outputs.get(f), golden, `${f} with -j 2 differs from -j 1`);
    });
  }

  it("two runs give the same bytes", () => {
    const again = renderAll(1);
    for (const f of FORMATS) assert.equal(again.outputs.get(f), one.outputs.get(f), f);
  });

  it("the streamed JSON (json alone) is the same bytes as the JSON written beside other formats", () => {
    assert.equal(renderStreamedJson(1), one.outputs.get("json"));
    assert.equal(renderStreamedJson(2), one.outputs.get("json"));
  });
});
