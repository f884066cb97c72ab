// @fileoverview unifit.config.json / .yaml: found in a directory or the nearest one above it, validated against
// docs/config.schema.json, and the starter `unifit init` writes. A config that does not validate is a ConfigError
// naming the file and the first problem.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse as parseYaml } from "yaml";
import { packageInfo } from "../util/package-root.js";
import type { FailOn, Severity } from "../types.js";
import type { Ignore } from "../verdict/suppress.js";

export interface Config {
  targets?: string[];
  failOn?: FailOn;
  rules?: Record<string, "off" | Severity>;
  include?: string[];
  exclude?: string[];
  sysroot?: string;
  ignore?: Ignore[];
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export const CONFIG_NAMES = ["unifit.config.json", "unifit.config.yaml", "unifit.config.yml"] as const;

/** The config file of a directory or of the nearest directory above it, or undefined. */
export function findConfig(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

let validate: ReturnType<Ajv2020["compile"]> | undefined;

export function loadConfig(file: string): Config {
  let data: unknown;
  try {
    const text = readFileSync(file, "utf8");
    data = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${file}: cannot read the config (${(e as Error).message.split("\n")[0]})`);
  }
  validate ??= new Ajv2020({ allErrors: false, strict: false }).compile(JSON.parse(readFileSync(join(packageInfo().root, "docs", "config.schema.json"), "utf8")));
  if (!validate(data)) {
    const e = validate.errors?.[0];
    throw new ConfigError(`${file}: ${e?.instancePath === "" ? "the config" : e?.instancePath} ${e?.message ?? "is not valid"} (see docs/config.schema.json)`);
  }
  return data as Config;
}

/** What `unifit init` writes: YAML, so that every setting can carry its comment. */
export const STARTER_CONFIG = `# unifit settings (schema: docs/config.schema.json). Command-line flags override them.

# Targets to rate against (unifit targets lists them; "all" for every one). Default: those that run an
# unmodified Linux binary.
# targets: [nanos, osv, gvisor]

# Exit 1 when a finding reaches this level: blocker, warning or none.
failOn: blocker

# Paths to scan when none are given, and globs of files to leave out.
# include: [build/]
# exclude: ["**/test/**"]

# Root of the file system the programs will run on (shared libraries are read from there).
# sysroot: /

# Rules: "off", or the most severe level a rule may take (blocker, warning, info).
# rules:
#   daemonize: warning

# Findings accepted with a reason (counted, and listed in the JSON and SARIF reports).
# For one line of C/C++ source, write "// unifit-ignore <rule|syscall>: reason" above it instead.
# ignore:
#   - syscall: setsid
#     targets: [nanos]
#     reason: daemonizing is turned off in the image
#   - rule: fork-then-exec
#     path: "tools/**"
#     reason: build-time helpers, not shipped in the image
`;
