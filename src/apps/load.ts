// @fileoverview Loads syscall-db/apps/*.yaml, validates each against syscall-db/apps/schema.json (ajv) and the
// syscall table, and compiles the patterns. A bad file is an error naming it: the data set is reviewed data.

import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { DbError } from "../db/errors.js";
import type { Database } from "../db/types.js";
import { packageInfo } from "../util/package-root.js";
import type { App, AppEvidence } from "./types.js";

function defaultAppsDir(): string {
  return join(packageInfo().root, "syscall-db", "apps");
}

type Obj = Record<string, unknown>;

function regex(file: string, v: unknown, where: string): RegExp {
  try {
    return new RegExp(String(v));
  } catch (e) {
    throw new DbError(file, `${where}: invalid regular expression: ${(e as Error).message}`);
  }
}

/** Every application file under `dir`, sorted by id; `db` (when given) checks the syscall names the settings cover. */
export function loadApps(dir: string = defaultAppsDir(), db?: Database): App[] {
  const require = createRequire(import.meta.url);
  const { Ajv2020 } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const { parse } = require("yaml") as typeof import("yaml");
  const schemaFile = join(dir, "schema.json");
  let validate;
  try {
    validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object);
  } catch (e) {
    throw new DbError(schemaFile, `cannot read the application schema: ${(e as Error).message}`);
  }
  const known = db === undefined ? undefined : new Set(Object.values(db.tables).flatMap((t) => [...t.byName.keys()]));
  const apps: App[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
    const file = join(dir, name);
    let doc: unknown;
    try {
      doc = parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new DbError(file, `invalid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    if (!validate(doc)) {
      const err = validate.errors?.[0];
      throw new DbError(file, `does not match syscall-db/apps/schema.json: ${err?.instancePath || "/"} ${err?.message ?? ""}`.trim());
    }
    const o = doc as Obj;
    const id = String(o.id);
    if (id !== basename(name, ".yaml")) throw new DbError(file, `id "${id}" does not match the file name`);
    const r = o.recognise as Obj;
    const src = r.sources as Obj;
    const range = /^>=([0-9.]+)(?: <([0-9.]+))?$/.exec(String(r.versions)) as RegExpExecArray;
    const settings = (o.settings as Obj[]).map((s) => {
      const covers = s.covers as Obj;
      const syscalls = (covers.syscalls as string[]).map(String);
      for (const c of syscalls) {
        const sc = c.split(":")[0] as string;
        if (known !== undefined && !known.has(sc)) throw new DbError(file, `setting ${String(s.id)}: unknown syscall "${sc}"`);
      }
      return {
        id: String(s.id),
        kind: s.kind as App["settings"][number]["kind"],
        set: (s.set as string[]).map(String),
        where: String(s.where),
        syscalls,
        files: ((covers.files as string[] | undefined) ?? []).map(String),
        evidence: s.evidence as AppEvidence[],
        cost: String(s.cost),
      };
    });
    const ids = new Set<string>();
    for (const s of settings) {
      if (ids.has(s.id)) throw new DbError(file, `duplicate setting id "${s.id}"`);
      ids.add(s.id);
    }
    apps.push({
      id,
      name: String(o.name),
      file,
      upstream: o.upstream as App["upstream"],
      names: (r.names as string[]).map(String),
      packages: (r.packages as string[]).map(String),
      markers: (r.markers as string[]).map(String),
      ...(r.version !== undefined ? { version: regex(file, r.version, "recognise.version") } : {}),
      versions: { min: range[1] as string, ...(range[2] !== undefined ? { below: range[2] } : {}) },
      sources: { files: (src.files as string[]).map(String), versionFile: String(src["version-file"]), pattern: regex(file, src.pattern, "recognise.sources.pattern") },
      settings,
    });
  }
  return apps;
}
