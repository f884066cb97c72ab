// @fileoverview parseSource on small C/C++ snippets written to a temp dir: exact facts, context and degradation.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parseSource } from "../../src/source/index.js";
import type { AsmFact, CallFact, SourceFact, StringFact, SyscallUseFact } from "../../src/source/index.js";

const dir = mkdtempSync(join(tmpdir(), "unifit-source-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const calls = (facts: SourceFact[]): CallFact[] => facts.filter((f): f is CallFact => f.kind === "call");
const byKind = <K extends SourceFact["kind"]>(facts: SourceFact[], kind: K) =>
  facts.filter((f) => f.kind === kind) as Extract<SourceFact, { kind: K }>[];

describe("parseSource: calls", () => {
  it("reports fork and execl in one function, in source order, with arguments", () => {
    const path = write(
      "spawn.c",
      [
        "#include <unistd.h>",
        "",
        "int spawn(void) {",
        "  pid_t pid = fork();",
        "  if (pid == 0) {",
        '    execl("/bin/sh", "sh", "-c", "echo hi\\n", (char *)0);',
        "  }",
        "  return pid;",
        "}",
        "",
      ].join("\n"),
    );
    const file = parseSource(path);
    assert.equal(file.language, "c");
    assert.deepEqual(file.warnings, []);
    assert.equal(file.lines, 9);
    assert.deepEqual(file.functions, [
      { name: "spawn", location: { file: path, line: 3, column: 1, endLine: 9, endColumn: 2 } },
    ]);
    assert.deepEqual(file.facts, [
      {
        kind: "call",
        callee: "fork",
        calleeText: "fork",
        args: [],
        inLoop: false,
        order: 0,
        location: { file: path, line: 4, column: 15, endLine: 4, endColumn: 21 },
        excerpt: "pid_t pid = fork();",
        conditions: [],
        function: "spawn",
      },
      {
        kind: "call",
        callee: "execl",
        calleeText: "execl",
        args: [
          { text: '"/bin/sh"', kind: "string", value: "/bin/sh" },
          { text: '"sh"', kind: "string", value: "sh" },
          { text: '"-c"', kind: "string", value: "-c" },
          { text: '"echo hi\\n"', kind: "string", value: "echo hi\n" },
          { text: "(char *)0", kind: "other" },
        ],
        inLoop: false,
        order: 1,
        location: { file: path, line: 6, column: 5, endLine: 6, endColumn: 57 },
        excerpt: 'execl("/bin/sh", "sh", "-c", "echo hi\\n", (char *)0);',
        conditions: [],
        function: "spawn",
      },
    ]);
  });

  it("marks calls inside while/for/do loops, not those after the loop", () => {
    const path = write(
      "loop.c",
      [
        "void serve(int fd) {",
        "  while (running) {",
        "    handle(accept(fd, 0, 0));",
        "  }",
        "  for (int i = 0; i < 3; i++) retry(i);",
        "  do { poll_once(); } while (0);",
        "  cleanup(fd);",
        "}",
      ].join("\n"),
    );
    const got = calls(parseSource(path).facts).map((c) => [c.callee, c.inLoop, c.order, c.function]);
    assert.deepEqual(got, [
      ["handle", true, 0, "serve"],
      ["accept", true, 1, "serve"],
      ["retry", true, 2, "serve"],
      ["poll_once", true, 3, "serve"],
      ["cleanup", false, 4, "serve"],
    ]);
    const accept = calls(parseSource(path).facts)[1];
    assert.deepEqual(accept?.args, [
      { text: "fd", kind: "identifier" },
      { text: "0", kind: "number", value: 0 },
      { text: "0", kind: "number", value: 0 },
    ]);
  });

  it("names the last component of qualified, member and template callees; methods keep their class", () => {
    const path = write(
      "server.cpp",
      [
        "namespace app {",
        "int Server::run(const std::string &cmd) {",
        "  for (auto &h : hooks) h->fork();",
        "  std::system(cmd.c_str());",
        "  ::fork();",
        "  return make<int>(1);",
        "}",
        "}",
        "struct S { void go() { system(\"ls\"); } };",
        "int (*A::table())(int) { return 0; }",
      ].join("\n"),
    );
    const file = parseSource(path);
    assert.equal(file.language, "cpp");
    const got = calls(file.facts).map((c) => [c.callee, c.calleeText, c.function, c.inLoop, c.order]);
    assert.deepEqual(got, [
      ["fork", "h->fork", "Server::run", true, 0],
      ["system", "std::system", "Server::run", false, 1],
      ["c_str", "cmd.c_str", "Server::run", false, 2],
      ["fork", "::fork", "Server::run", false, 3],
      ["make", "make<int>", "Server::run", false, 4],
      ["system", "system", "go", false, 0],
    ]);
    assert.deepEqual(
      file.functions.map((f) => f.name),
      ["Server::run", "go", "A::table"],
    );
    const system = calls(file.facts)[1];
    assert.deepEqual(system?.args, [{ text: "cmd.c_str()", kind: "call" }]);
  });

  it("decodes literal arguments: concatenated strings, escapes, hex/octal/negative integers", () => {
    const path = write("args.c", 'void f(void) { g("a" "b\\t", "\\x41\\101", 0x1F, 017, -1, 10UL, 1.5, x); }\n');
    const [call] = calls(parseSource(path).facts);
    assert.deepEqual(call?.args, [
      { text: '"a" "b\\t"', kind: "string", value: "ab\t" },
      { text: '"\\x41\\101"', kind: "string", value: "AA" },
      { text: "0x1F", kind: "number", value: 31 },
      { text: "017", kind: "number", value: 15 },
      { text: "-1", kind: "number", value: -1 },
      { text: "10UL", kind: "number", value: 10 },
      { text: "1.5", kind: "number" },
      { text: "x", kind: "identifier" },
    ]);
  });

  it("does not report calls written inside #define bodies", () => {
    const path = write("macro.c", "#define SPAWN() fork()\nint main(void) { return SPAWN(); }\n");
    assert.deepEqual(
      calls(parseSource(path).facts).map((c) => c.callee),
      ["SPAWN"],
    );
  });
});

describe("parseSource: syscalls, asm, strings, conditions", () => {
  it("reports syscall(SYS_x) once as syscall() and other SYS_/__NR_ names as constants", () => {
    const path = write(
      "raw.c",
      [
        "#include <sys/syscall.h>",
        "#ifdef SYS_gettid",
        "long tid(void) { return syscall(SYS_gettid); }",
        "#endif",
        "int nr = __NR_getpid; /* SYS_fork in a comment */",
        'const char *s = "SYS_clone";',
      ].join("\n"),
    );
    const uses = byKind(parseSource(path).facts, "syscall-use");
    assert.deepEqual(uses, [
      {
        kind: "syscall-use",
        name: "gettid",
        via: "syscall()",
        location: { file: path, line: 3, column: 25, endLine: 3, endColumn: 44 },
        excerpt: "long tid(void) { return syscall(SYS_gettid); }",
        conditions: ["#ifdef SYS_gettid"],
        function: "tid",
      },
      {
        kind: "syscall-use",
        name: "getpid",
        via: "constant",
        location: { file: path, line: 5, column: 10, endLine: 5, endColumn: 21 },
        excerpt: "int nr = __NR_getpid; /* SYS_fork in a comment */",
        conditions: [],
      },
    ] satisfies SyscallUseFact[]);
  });

  it("reports inline asm with its template and whether it makes a system call", () => {
    const path = write(
      "asm.c",
      [
        "void quit(void) {",
        '  __asm__ volatile ("mov $60, %%eax\\n\\t"',
        '                    "syscall" ::: "memory");',
        '  asm("pause");',
        "}",
      ].join("\n"),
    );
    const asm = byKind(parseSource(path).facts, "asm");
    assert.deepEqual(
      asm.map((a) => [a.text, a.syscall, a.location.line, a.function]),
      [
        ["mov $60, %%eax\n\tsyscall", true, 2, "quit"],
        ["pause", false, 4, "quit"],
      ],
    );
    const first: AsmFact | undefined = asm[0];
    assert.equal(first?.location.endLine, 3);
  });

  it("reports /proc, /sys and /dev/ strings, including in macro bodies, but not other paths", () => {
    const path = write(
      "procfs.c",
      [
        '#define MEMINFO "/proc/meminfo"',
        "int f(void) {",
        '  FILE *fp = fopen("/proc/self/status", "r");',
        '  open("/sys" "/kernel/mm", 0);',
        '  open("/dev/null", 0); open("/device", 0); open("/etc/passwd", 0);',
        "  return 0;",
        "}",
      ].join("\n"),
    );
    const strings = byKind(parseSource(path).facts, "string");
    assert.deepEqual(
      strings.map((s) => [s.value, s.location.line, s.location.column, s.function]),
      [
        ["/proc/meminfo", 1, 17, undefined],
        ["/proc/self/status", 3, 20, "f"],
        ["/sys/kernel/mm", 4, 8, "f"],
        ["/dev/null", 5, 8, "f"],
      ],
    );
    const status: StringFact | undefined = strings[1];
    assert.equal(status?.excerpt, 'FILE *fp = fopen("/proc/self/status", "r");');
  });

  it("lists the #if blocks around a fact, outermost first, #else branches included", () => {
    const path = write(
      "cond.c",
      [
        "#ifdef __linux__",
        "#  if !defined(_WIN32) /* not windows */",
        "void a(void) { fork(); }",
        "#  endif",
        "#else",
        "void b(void) { spawn(); }",
        "#endif",
        "void c(void) { other(); }",
      ].join("\n"),
    );
    const got = calls(parseSource(path).facts).map((c) => [c.callee, c.conditions]);
    assert.deepEqual(got, [
      ["fork", ["#ifdef __linux__", "#if !defined(_WIN32)"]],
      ["spawn", ["#ifdef __linux__", "#else"]],
      ["other", []],
    ]);
  });

  it("sorts facts by line, column, kind", () => {
    const path = write("order.c", 'void f(void) { syscall(SYS_kill, "/proc/1"); }\n');
    const facts = parseSource(path).facts;
    assert.deepEqual(
      facts.map((f) => [f.kind, f.location.line, f.location.column]),
      [
        ["call", 1, 16],
        ["syscall-use", 1, 16],
        ["string", 1, 34],
      ],
    );
  });
});

describe("parseSource: degraded input", () => {
  it("keeps facts from the valid part of a file with syntax errors and warns once", () => {
    const path = write(
      "broken.c",
      [
        "void ok(void) { fork(); }",
        "void bad( { int x = ; execve(p, a, e);",
        'void ok2(void) { system("x"); }',
      ].join("\n"),
    );
    const file = parseSource(path);
    const names = calls(file.facts).map((c) => c.callee);
    assert.ok(names.includes("fork"), names.join(","));
    assert.ok(names.includes("system"), names.join(","));
    assert.equal(file.warnings.length, 1);
    assert.match(file.warnings[0] ?? "", /^(?:\d+ parse errors?|parse errors); facts from the rest$/);
  });

  it("reads non-UTF-8 bytes as Latin-1 with a warning instead of throwing", () => {
    const text = '/* caf\xe9 */\nvoid f(void) { puts("na\xefve"); open("/proc/\xe9", 0); }\n';
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const path = write("latin1.c", bytes);
    const file = parseSource(path);
    assert.deepEqual(file.warnings, ["not valid UTF-8; read as Latin-1"]);
    assert.equal(file.bytes, bytes.length);
    const [puts, open] = calls(file.facts);
    assert.equal(puts?.args[0]?.value, "na\u00efve");
    assert.equal(open?.location.column, 31);
    assert.deepEqual(
      byKind(file.facts, "string").map((s) => s.value),
      ["/proc/\u00e9"],
    );
  });

  it("counts columns of UTF-8 text in characters", () => {
    const path = write("utf8.c", '// h\u00e9llo\nvoid f(void) { const char *s = "\u00e9"; g(); }\n');
    const file = parseSource(path);
    assert.deepEqual(file.warnings, []);
    assert.deepEqual(calls(file.facts)[0]?.location, { file: path, line: 2, column: 37, endLine: 2, endColumn: 40 });
  });

  it("accepts bytes passed in instead of reading the path", () => {
    const file = parseSource("virtual.cc", new TextEncoder().encode("int main() { std::abort(); }\n"));
    assert.equal(file.language, "cpp");
    assert.deepEqual(
      calls(file.facts).map((c) => c.callee),
      ["abort"],
    );
  });

  it("parses an empty file", () => {
    const file = parseSource(write("empty.c", ""));
    assert.deepEqual(file, {
      path: join(dir, "empty.c"),
      language: "c",
      facts: [],
      functions: [],
      addresses: [],
      warnings: [],
      lines: 0,
      bytes: 0,
    });
  });

  it("parses only the first 8 MiB of a 9 MiB file, with a warning", () => {
    // Three facts a line (a function, two calls) over 300 bytes: 84 K in 8 MiB, under the bound on one file's (MAX_FACTS).
    const line = `int f_XXXXXX(int a) { /* ${"-".repeat(240)} */ return g(a, "x") + h(a); }\n`;
    const count = Math.ceil((9 * 1024 * 1024) / line.length);
    const body = Array.from({ length: count }, (_, i) => line.replace("XXXXXX", String(i).padStart(6, "0"))).join("");
    const path = write("huge.c", body);
    const file = parseSource(path);
    assert.equal(file.bytes, Buffer.byteLength(body));
    assert.equal(file.lines, count);
    assert.equal(file.warnings.length, 1);
    assert.match(file.warnings[0] ?? "", /^file is 9\.0 MiB; only the first 8\.0 MiB were parsed$/);
    const parsedLines = Math.floor((8 * 1024 * 1024) / line.length);
    assert.equal(file.functions.length, parsedLines);
    assert.equal(calls(file.facts).length, parsedLines * 2);
  });

  it("parses a real system header without throwing", { skip: !existsSync("/usr/include/stdio.h") }, () => {
    const file = parseSource("/usr/include/stdio.h");
    assert.equal(file.language, "c");
    assert.ok(file.lines > 100);
    assert.ok(file.facts.every((f) => f.location.line >= 1 && f.location.column >= 1));
  });
});
