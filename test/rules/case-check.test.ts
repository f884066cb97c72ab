// @fileoverview The rule runner's checks fail when a case is wrong: a valid case whose binary reports its rule, a
// stale `unifit-test: source-only`, an unreported `ruleid:` line; and they read `todook:` as a known gap.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadDatabase } from "../../src/index.js";
import { selectTargets } from "../../src/scan/scan.js";
import { loadRules } from "../../src/rules/load.js";
import { fixture } from "../helpers/paths.js";
import { checkBinaryCase, checkSourceCase, isSourceOnly } from "./case-check.js";

const db = loadDatabase();
const rules = loadRules(db);
const rule = (id: string) => rules.find((r) => r.id === id) ?? assert.fail(`no rule ${id}`);
const nanos = selectTargets(db, ["nanos"]);
const dir = mkdtempSync(join(tmpdir(), "unifit-case-check-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of a rule case under `name`, with `edit` applied to its text (which must change it). */
function variant(from: string, name: string, edit: (text: string) => string): string {
  const text = readFileSync(from, "utf8");
  const out = edit(text);
  assert.notEqual(out, text, "the edit changes the case");
  const path = join(dir, name);
  writeFileSync(path, out);
  return path;
}

describe("rule case checks", () => {
  const kill = rule("signal-other-process");
  const selfKill = fixture("rules", "signals", "signal-other-process", "valid-signal-self.c");

  it("pass a source-only valid case whose binary reports the rule", () => {
    assert.ok(isSourceOnly(readFileSync(selfKill, "utf8")));
    checkBinaryCase(kill, selfKill, db, nanos, () => {});
  });

  it("fail when a valid case's binary reports the rule", () => {
    const path = variant(selfKill, "valid-signal-self.c", (t) => t.replace("unifit-test: source-only. ", ""));
    assert.throws(() => checkBinaryCase(kill, path, db, nanos, () => {}), /the binary scan reports signal-other-process on a valid case/);
  });

  it("fail on a stale source-only marker", () => {
    const fte = rule("fork-then-exec");
    const path = variant(fixture("rules", "process-model", "fork-then-exec", "valid-threads.c"), "valid-threads.c", (t) => `/* unifit-test: source-only */\n${t}`);
    assert.throws(() => checkBinaryCase(fte, path, db, nanos, () => {}), /source-only, but the binary scan does not report fork-then-exec/);
  });

  it("read todook as a known gap, and fail when the same line is marked ok", () => {
    const wait = rule("wait-for-children");
    const from = fixture("rules", "process-model", "wait-for-children", "invalid-reap-loop.c");
    const notes: string[] = [];
    checkSourceCase(wait, variant(from, "valid-todook.c", (t) => t.replaceAll("// ruleid: wait-for-children", "// todook: wait-for-children")), (m) => notes.push(m));
    assert.ok(notes.some((n) => /known gap: line \d+ reported \(todook\)/.test(n)), notes.join("\n"));
    const ok = variant(from, "valid-ok.c", (t) => t.replaceAll("// ruleid: wait-for-children", "// ok: wait-for-children"));
    assert.throws(() => checkSourceCase(wait, ok, () => {}), /reported lines vs \/\/ ruleid: lines/);
  });

  it("fail when a ruleid line is not reported", () => {
    const wait = rule("wait-for-children");
    const from = fixture("rules", "process-model", "wait-for-children", "invalid-reap-loop.c");
    const path = variant(from, "invalid-moved.c", (t) => t.replace("// ruleid: wait-for-children", "// ruleid: wait-for-children\n"));
    assert.throws(() => checkSourceCase(wait, path, () => {}), /reported lines vs/);
  });
});
