// @fileoverview Every rule, data-driven: its meta (schema, id = stem, doc with the fixed headings, at least one
// invalid and one valid case), its source cases (reported lines == `// ruleid:` lines, none on `// ok:` lines), and
// its binary counterpart: each case compiled with gcc and scanned, where every invalid case must yield the rule and
// no valid case may (unless marked; see case-check.ts).

import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadDatabase } from "../../src/index.js";
import { selectTargets } from "../../src/scan/scan.js";
import { loadRules } from "../../src/rules/load.js";
import { ROOT } from "../helpers/paths.js";
import { checkBinaryCase, checkSourceCase } from "./case-check.js";

const HEADINGS = ["What it finds", "Why it breaks", "How to rewrite", "Known limitations"];
const db = loadDatabase();
const rules = loadRules(db);
const nanos = selectTargets(db, ["nanos"]);

describe("rules", () => {
  it("load, each with a unique id equal to its file stem", () => {
    assert.ok(rules.length >= 15, `${rules.length} rules`);
    assert.equal(new Set(rules.map((r) => r.id)).size, rules.length);
  });

  for (const rule of rules) {
    const dir = join(ROOT, "fixtures", "rules", rule.category, rule.id);
    const cases = existsSync(dir) ? readdirSync(dir).sort() : [];
    const invalid = cases.filter((c) => c.startsWith("invalid-") && c.endsWith(".c"));
    const valid = cases.filter((c) => c.startsWith("valid-") && c.endsWith(".c"));

    describe(rule.id, () => {
      it("has its doc and cases", () => {
        const doc = join(ROOT, rule.file.replace(/\.yaml$/, ".md"));
        assert.ok(existsSync(doc), `Missing doc for rule ${rule.id}`);
        const h2 = readFileSync(doc, "utf8").split("\n").filter((l) => l.startsWith("## ")).map((l) => l.slice(3).trim());
        assert.deepEqual(h2, HEADINGS, `doc headings of rule ${rule.id}`);
        assert.ok(invalid.length > 0, `Missing invalid case for rule ${rule.id}`);
        assert.ok(valid.length > 0, `Missing valid case for rule ${rule.id}`);
      });

      for (const c of [...invalid, ...valid]) it(`source: ${c}`, (t) => checkSourceCase(rule, join(dir, c), (m) => t.diagnostic(m)));

      if (rule.appliesTo.has("elf")) {
        for (const c of [...invalid, ...valid]) it(`binary: ${c} compiled with gcc`, (t) => checkBinaryCase(rule, join(dir, c), db, nanos, (m) => t.diagnostic(m)));
      }
    });
  }
});
