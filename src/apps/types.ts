// @fileoverview The application data set (syscall-db/apps/): well-known servers, how to recognise them, and the
// settings that make their process-model calls unreachable. Types only.

export type SettingKind = "config" | "command-line" | "usage" | "tolerated" | "build" | "required";

export interface AppEvidence {
  file: string;
  line: number;
  /** A part of that upstream line (checked against the pinned tree by test/apps/apps-data.test.ts). */
  text: string;
  says: string;
}

export interface AppSetting {
  id: string;
  kind: SettingKind;
  set: string[];
  where: string;
  /** Calls made unreachable: "execve", or "clone:process" for one mode. */
  syscalls: string[];
  /** Source files (relative to the tree) whose findings the setting controls. */
  files: string[];
  evidence: AppEvidence[];
  cost: string;
}

export interface App {
  id: string;
  name: string;
  file: string;
  upstream: { repo: string; version: string; debian: string; tree: string };
  names: string[];
  packages: string[];
  markers: string[];
  version?: RegExp;
  versions: { min: string; below?: string };
  sources: { files: string[]; versionFile: string; pattern: RegExp };
  settings: AppSetting[];
}

/** A program or a source tree taken for a known application. */
export interface Recognised {
  app: string;
  name: string;
  /** The binary, or the root of the source tree. */
  path: string;
  version?: string;
  /** The version falls in the range the settings were read for (unknown version: false). */
  inRange: boolean;
  /** How it was recognised: "markers" (strings in the binary, and its file name when it matches) or "sources". */
  by: string;
}
