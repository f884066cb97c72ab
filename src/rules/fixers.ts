// @fileoverview The mechanical rewrites behind `unifit fix`, one per rule `fix:` name. Each takes the source text and
// the line of a finding and returns new text, or a reason why this occurrence is not mechanical (then nothing
// changes and the user gets the rule's advice instead).

export interface FixResult {
  text: string;
  applied: { line: number; fix: string; what: string }[];
  skipped: { line: number; fix: string; reason: string }[];
}

type Fixer = (lines: string[], index: number) => { replace: [number, number, string[]]; includes?: string[]; helpers?: (keyof typeof HELPERS)[]; what: string } | string;

/**
 * Static functions a rewrite calls, inserted once after the includes: what the shell command did takes more than
 * one library call (`mkdir -p` creates every missing parent; `rm -rf` removes a tree).
 */
const HELPERS = {
  unifit_mkdir_p: {
    includes: ["errno.h", "string.h", "sys/stat.h"],
    code: [
      "/* unifit fix: `mkdir -p` as library calls: creates each missing parent, succeeds when the directory exists. */",
      "static int unifit_mkdir_p(const char *path, mode_t mode) {",
      "  char buf[4096];",
      "  size_t len = strlen(path);",
      "  if (len == 0 || len >= sizeof buf) {",
      "    errno = len == 0 ? ENOENT : ENAMETOOLONG;",
      "    return -1;",
      "  }",
      "  memcpy(buf, path, len + 1);",
      "  for (char *p = buf + 1; *p != '\\0'; p++) {",
      "    if (*p != '/' || p[-1] == '/') continue;",
      "    *p = '\\0';",
      "    if (mkdir(buf, mode) != 0 && errno != EEXIST) return -1;",
      "    *p = '/';",
      "  }",
      "  if (mkdir(buf, mode) == 0) return 0;",
      "  struct stat st;",
      "  if (errno == EEXIST && stat(buf, &st) == 0 && S_ISDIR(st.st_mode)) return 0;",
      "  if (errno == EEXIST) errno = ENOTDIR;",
      "  return -1;",
      "}",
    ],
  },
  unifit_rm_rf: {
    // nftw would need _XOPEN_SOURCE defined above every include of the file; readdir is declared by default.
    includes: ["dirent.h", "errno.h", "stdio.h", "string.h", "sys/stat.h", "unistd.h"],
    code: [
      "/* unifit fix: `rm -rf` as library calls: removes a tree depth first, succeeds when it is absent. */",
      "static int unifit_rm_rf(const char *path) {",
      "  struct stat st;",
      "  if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : -1;",
      "  if (S_ISDIR(st.st_mode)) {",
      "    DIR *d = opendir(path);",
      "    if (d == NULL) return -1;",
      "    struct dirent *e;",
      "    int rc = 0;",
      "    while (rc == 0 && (e = readdir(d)) != NULL) {",
      "      if (strcmp(e->d_name, \".\") == 0 || strcmp(e->d_name, \"..\") == 0) continue;",
      "      char sub[4096];",
      "      if ((size_t)snprintf(sub, sizeof sub, \"%s/%s\", path, e->d_name) >= sizeof sub) {",
      "        errno = ENAMETOOLONG;",
      "        rc = -1;",
      "      } else rc = unifit_rm_rf(sub);",
      "    }",
      "    closedir(d);",
      "    if (rc != 0) return rc;",
      "    return rmdir(path);",
      "  }",
      "  return unlink(path);",
      "}",
    ],
  },
  unifit_cp: {
    includes: ["errno.h", "fcntl.h", "sys/stat.h", "unistd.h"],
    code: [
      "/* unifit fix: `cp FILE DEST` as library calls: DEST (a file) gets FILE's bytes, created with FILE's mode. */",
      "static int unifit_cp(const char *from, const char *to) {",
      "  struct stat st;",
      "  int in = open(from, O_RDONLY);",
      "  if (in < 0) return -1;",
      "  if (fstat(in, &st) != 0 || S_ISDIR(st.st_mode)) {",
      "    if (S_ISDIR(st.st_mode)) errno = EISDIR;",
      "    close(in);",
      "    return -1;",
      "  }",
      "  int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 07777);",
      "  if (out < 0) {",
      "    close(in);",
      "    return -1;",
      "  }",
      "  char buf[65536];",
      "  ssize_t n;",
      "  int rc = 0;",
      "  while ((n = read(in, buf, sizeof buf)) > 0) {",
      "    for (ssize_t done = 0; done < n;) {",
      "      ssize_t w = write(out, buf + done, (size_t)(n - done));",
      "      if (w < 0) {",
      "        if (errno == EINTR) continue;",
      "        rc = -1;",
      "        break;",
      "      }",
      "      done += w;",
      "    }",
      "    if (rc != 0) break;",
      "  }",
      "  if (n < 0) rc = -1;",
      "  close(in);",
      "  if (close(out) != 0) rc = -1;",
      "  return rc;",
      "}",
    ],
  },
} as const;

/** Index of the line that closes the brace opened on line `start` (counting braces, ignoring strings roughly). */
function closingLine(lines: string[], start: number): number | undefined {
  let depth = 0;
  for (let i = start; i < lines.length && i < start + 200; i++) {
    const code = (lines[i] as string).replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""').replace(/\/\/.*$/, "");
    for (const ch of code) {
      if (ch === "{") depth++;
      else if (ch === "}") {
        depth--;
        if (depth === 0) return i;
      }
    }
  }
  return undefined;
}

/**
 * daemon-foreground: removes the daemon() statement so the program stays in the foreground. Handles
 * `daemon(...);`, `if (daemon(...) <op> x) stmt;` and `if (daemon(...) <op> x) { ... }` when the condition is only
 * the daemon() test.
 */
const daemonForeground: Fixer = (lines, i) => {
  const line = lines[i] as string;
  if (/^\s*\(void\)\s*daemon\s*\([^()]*\)\s*;\s*$/.test(line) || /^\s*daemon\s*\([^()]*\)\s*;\s*$/.test(line)) {
    return { replace: [i, i, []], what: "removed daemon(): the program stays in the foreground" };
  }
  const cond = /^\s*if\s*\(\s*daemon\s*\([^()]*\)\s*(?:[<>=!]=?\s*-?\d+)?\s*\)\s*(.*)$/.exec(line);
  if (cond === null) return "daemon() is part of a larger expression: remove it by hand";
  const rest = (cond[1] as string).trim();
  if (rest.startsWith("{")) {
    const end = closingLine(lines, i);
    if (end === undefined) return "could not find the end of the if block";
    if (!/^\s*}\s*$/.test(lines[end] as string)) return "the if block continues after its closing brace (else branch)";
    return { replace: [i, end, []], what: "removed the daemon() test and its error branch: the program stays in the foreground" };
  }
  if (rest.endsWith(";") && !/\belse\b/.test(lines[i + 1] ?? "")) {
    return { replace: [i, i, []], what: "removed the daemon() test: the program stays in the foreground" };
  }
  return "the daemon() test spans several lines: remove it by hand";
};

const SAFE_ARG = /^[\w./+@%:,=-]+$/;

/** shell-builtin: `system("mkdir -p DIR")`-style literal commands of mkdir, rm, mv, chmod and ln become the library call. */
const shellBuiltin: Fixer = (lines, i) => {
  const line = lines[i] as string;
  const m = /^(\s*)(?:\(void\)\s*)?system\s*\(\s*"([^"\\]*)"\s*\)\s*;\s*$/.exec(line);
  if (m === null) return "not a plain system(\"...\"); statement with a literal command";
  const indent = m[1] as string;
  const words = (m[2] as string).trim().split(/\s+/);
  if (!words.every((w) => SAFE_ARG.test(w))) return "the command uses shell syntax (quotes, variables, pipes, globs)";
  const [cmd, ...args] = words;
  const flags = args.filter((a) => a.startsWith("-"));
  const operands = args.filter((a) => !a.startsWith("-"));
  const q = (s: string): string => JSON.stringify(s);
  const stmt = (code: string, includes: string[], what: string) => ({ replace: [i, i, [`${indent}${code}`]] as [number, number, string[]], includes, what });
  if (cmd === "mkdir" && operands.length === 1 && flags.every((f) => f === "-p")) {
    const d = operands[0] as string;
    // mkdir -p of a nested path creates every missing parent: one mkdir() would fail with ENOENT where the command
    // succeeded, so it becomes the recursive helper.
    if (flags.length === 1 && d.replace(/\/+$/, "").split("/").filter((x) => x !== "").length > 1) {
      return { ...stmt(`if (unifit_mkdir_p(${q(d)}, 0777) != 0) perror(${q(`mkdir -p ${d}`)});`, ["stdio.h"], `system("mkdir -p") → unifit_mkdir_p(${d}), every missing parent created`), helpers: ["unifit_mkdir_p"] };
    }
    const ok = flags.length === 1 ? " && errno != EEXIST" : "";
    return stmt(`if (mkdir(${q(d)}, 0777) != 0${ok}) perror(${q(`mkdir ${d}`)});`, ["sys/stat.h", "errno.h", "stdio.h"], `system("mkdir") → mkdir(${d})`);
  }
  if (cmd === "rm" && operands.length === 1 && flags.length === 1 && (flags[0] === "-rf" || flags[0] === "-fr")) {
    const f = operands[0] as string;
    return { ...stmt(`if (unifit_rm_rf(${q(f)}) != 0) perror(${q(`rm -rf ${f}`)});`, ["stdio.h"], `system("rm -rf") → unifit_rm_rf(${f}), the tree removed depth first`), helpers: ["unifit_rm_rf"] };
  }
  if (cmd === "cp" && operands.length === 2 && flags.length === 0) {
    const [a, b] = operands as [string, string];
    // cp into a directory writes DIR/NAME: only a destination that names a file is mechanical.
    if (b.endsWith("/") || b === "." || b === "..") return `cp into the directory "${b}": rewrite by hand`;
    return { ...stmt(`if (unifit_cp(${q(a)}, ${q(b)}) != 0) perror(${q(`cp ${a} ${b}`)});`, ["stdio.h"], `system("cp") → unifit_cp(${a}, ${b})`), helpers: ["unifit_cp"] };
  }
  if (cmd === "touch" && operands.length === 1 && flags.length === 0) {
    const f = operands[0] as string;
    // touch creates the file when missing and sets both times to now when present.
    return stmt(`{ int fd_ = open(${q(f)}, O_WRONLY | O_CREAT | O_NOCTTY, 0666); if (fd_ < 0 || close(fd_) != 0 || utimensat(AT_FDCWD, ${q(f)}, NULL, 0) != 0) perror(${q(`touch ${f}`)}); }`, ["fcntl.h", "sys/stat.h", "unistd.h", "stdio.h"], `system("touch") → open(O_CREAT) + utimensat(now)`);
  }
  if (cmd === "rm" && operands.length === 1 && flags.every((f) => f === "-f")) {
    const f = operands[0] as string;
    const ok = flags.length === 1 ? " && errno != ENOENT" : "";
    return stmt(`if (unlink(${q(f)}) != 0${ok}) perror(${q(`rm ${f}`)});`, ["unistd.h", "errno.h", "stdio.h"], `system("rm") → unlink(${f})`);
  }
  if (cmd === "mv" && operands.length === 2 && flags.length === 0) {
    const [a, b] = operands as [string, string];
    return stmt(`if (rename(${q(a)}, ${q(b)}) != 0) perror(${q(`mv ${a} ${b}`)});`, ["stdio.h"], `system("mv") → rename()`);
  }
  if (cmd === "chmod" && operands.length === 2 && flags.length === 0 && /^[0-7]{3,4}$/.test(operands[0] as string)) {
    const [mode, f] = operands as [string, string];
    return stmt(`if (chmod(${q(f)}, 0${mode.replace(/^0/, "")}) != 0) perror(${q(`chmod ${f}`)});`, ["sys/stat.h", "stdio.h"], `system("chmod") → chmod()`);
  }
  if (cmd === "ln" && operands.length === 2 && (flags.length === 0 || (flags.length === 1 && flags[0] === "-s"))) {
    const [a, b] = operands as [string, string];
    const fn = flags.length === 1 ? "symlink" : "link";
    return stmt(`if (${fn}(${q(a)}, ${q(b)}) != 0) perror(${q(`ln ${a} ${b}`)});`, ["unistd.h", "stdio.h"], `system("ln") → ${fn}()`);
  }
  return `"${words.join(" ")}" is not one of the mechanical cases (mkdir [-p], rm [-f|-rf], touch, cp FILE FILE, mv, chmod MODE, ln [-s] with one operand each)`;
};

export const fixers: Readonly<Record<string, Fixer>> = {
  "daemon-foreground": daemonForeground,
  "shell-builtin": shellBuiltin,
};

function addHelpers(lines: string[], names: readonly (keyof typeof HELPERS)[]): string[] {
  const missing = [...new Set(names)].sort().filter((n) => !lines.some((l) => l.includes(`static int ${n}(`)));
  if (missing.length === 0) return lines;
  let last = -1;
  lines.forEach((l, i) => {
    if (/^\s*#\s*include\b/.test(l)) last = i;
  });
  const out = [...lines];
  out.splice(last + 1, 0, ...missing.flatMap((n) => ["", ...HELPERS[n].code]));
  return out;
}

function addIncludes(lines: string[], includes: readonly string[]): string[] {
  const have = new Set(lines.map((l) => /^\s*#\s*include\s*<([^>]+)>/.exec(l)?.[1]).filter((x): x is string => x !== undefined));
  const missing = [...new Set(includes)].filter((h) => !have.has(h));
  if (missing.length === 0) return lines;
  let last = -1;
  lines.forEach((l, i) => {
    if (/^\s*#\s*include\b/.test(l)) last = i;
  });
  const out = [...lines];
  out.splice(last + 1, 0, ...missing.sort().map((h) => `#include <${h}>`));
  return out;
}

/** Applies the fixes named by findings (line numbers 1-based, fix names), bottom-up so that line numbers hold. */
export function applyFixes(text: string, findings: readonly { line: number; fix: string }[]): FixResult {
  let lines = text.split("\n");
  const result: FixResult = { text, applied: [], skipped: [] };
  const includes: string[] = [];
  const helpers: (keyof typeof HELPERS)[] = [];
  const seen = new Set<string>();
  const ordered = [...findings].sort((a, b) => b.line - a.line);
  for (const f of ordered) {
    const key = `${f.line}:${f.fix}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const fixer = fixers[f.fix];
    if (fixer === undefined) {
      result.skipped.push({ line: f.line, fix: f.fix, reason: "no such fixer" });
      continue;
    }
    const r = fixer(lines, f.line - 1);
    if (typeof r === "string") {
      result.skipped.push({ line: f.line, fix: f.fix, reason: r });
      continue;
    }
    const [from, to, replacement] = r.replace;
    lines = [...lines.slice(0, from), ...replacement, ...lines.slice(to + 1)];
    includes.push(...(r.includes ?? []));
    for (const h of r.helpers ?? []) {
      helpers.push(h);
      includes.push(...HELPERS[h].includes);
    }
    result.applied.push({ line: f.line, fix: f.fix, what: r.what });
  }
  if (helpers.length > 0) lines = addHelpers(lines, helpers);
  if (includes.length > 0) lines = addIncludes(lines, includes);
  result.text = lines.join("\n");
  result.applied.reverse();
  result.skipped.reverse();
  return result;
}
