// @fileoverview The machine formats against their schemas: SARIF against the official SARIF 2.1.0 JSON Schema
// (vendored in test/report/schemas/, see its README), JSON against docs/report.schema.json, GitLab Code Quality
// against the fields GitLab reads; on the golden scan and on nginx with every target.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import AjvDraft04Module from "ajv-draft-04";
import { ROOT, debianBinary } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";
import { FLAGS, INPUTS } from "./golden-cases.js";

const sarifSchema = JSON.parse(readFileSync(join(ROOT, "test", "report", "schemas", "sarif-schema-2.1.0.json"), "utf8"));
const reportSchema = JSON.parse(readFileSync(join(ROOT, "docs", "report.schema.json"), "utf8"));
// The SARIF schema is draft-04 (Ajv 8 needs ajv-draft-04 for it); its format keywords (uri, date-time) are not checked.
// A CommonJS module: its exports object (the class) carries the class again as .default, which TypeScript sees.
const validateSarif = new AjvDraft04Module.default({ allErrors: true, strict: false, validateFormats: false }).compile(sarifSchema);
const validateReport = new Ajv2020({ allErrors: true, strict: false }).compile(reportSchema);

const nginx = debianBinary("nginx", "usr/sbin/nginx");

/** One scan writing SARIF, JSON and Code Quality to files, each checked. */
function check(args: readonly string[]): void {
  const dir = mkdtempSync(join(tmpdir(), "unifit-schemas-"));
  const out = (f: string): string => join(dir, `out.${f}`);
  let sarifText: string, jsonText: string, cqText: string;
  try {
    const r = runCli([...args, "-f", `sarif=${out("sarif")}`, "-f", `json=${out("json")}`, "-f", `codequality=${out("cq")}`]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    [sarifText, jsonText, cqText] = [out("sarif"), out("json"), out("cq")].map((p) => readFileSync(p, "utf8")) as [string, string, string];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const log = JSON.parse(sarifText);
  const sarifValid: boolean = validateSarif(log);
  assert.ok(sarifValid, JSON.stringify(validateSarif.errors?.slice(0, 5), null, 2));
  const run = log.runs[0];
  assert.ok(run.results.length > 0);
  // Every result names a rule the driver lists, at its index, and carries unifit's fingerprint.
  for (const r of run.results) {
    assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
    assert.match(r.partialFingerprints["unifit/v1"], /^[0-9a-f]{32}$/);
  }
  const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
  assert.deepEqual(ids, [...new Set(ids)].sort());

  const reportValid: boolean = validateReport(JSON.parse(jsonText));
  assert.ok(reportValid, JSON.stringify(validateReport.errors?.slice(0, 5), null, 2));

  const cq = JSON.parse(cqText) as { description: string; check_name: string; fingerprint: string; severity: string; location: { path: string; lines: { begin: number } } }[];
  assert.ok(cq.length > 0);
  assert.equal(new Set(cq.map((x) => x.fingerprint)).size, cq.length, "Code Quality fingerprints are unique");
  for (const x of cq) {
    assert.ok(["info", "minor", "major", "critical", "blocker"].includes(x.severity));
    assert.ok(x.description.length > 0 && x.check_name.length > 0 && x.location.path.length > 0 && x.location.lines.begin >= 1);
  }
}

describe("report schemas", () => {
  it("SARIF, JSON and Code Quality of the golden scan (a binary and a C source) are valid", () => {
    check(["scan", ...INPUTS, ...FLAGS]);
  });

  it("SARIF of a source file has regions, of a binary logical locations (function), with the call chain", () => {
    const log = JSON.parse(runCli(["scan", ...INPUTS, ...FLAGS, "-f", "sarif"]).stdout);
    const results = log.runs[0].results as { locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } }; logicalLocations?: { name: string; fullyQualifiedName?: string }[] }[] }[];
    const src = results.find((r) => r.locations[0]?.physicalLocation.artifactLocation.uri === "fixtures/chains/serve.c" && r.locations[0].physicalLocation.region !== undefined);
    assert.ok(src, "a source result with a region");
    const bin = results.find((r) => r.locations[0]?.physicalLocation.artifactLocation.uri === "fixtures/sample/prefork-server" && r.locations[0].logicalLocations?.[0]?.fullyQualifiedName !== undefined);
    assert.ok(bin, "a binary result with a logical location");
    assert.match(bin.locations[0]?.logicalLocations?.[0]?.fullyQualifiedName ?? "", /^main -> /);
  });

  it("nginx against every target: SARIF, JSON and Code Quality valid", { skip: !existsSync(nginx) && "nginx not downloaded (test/setup/prepare.sh)" }, () => {
    check(["scan", nginx, "--target", "all"]);
  });
});
