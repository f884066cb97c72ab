// @fileoverview Suggested rewrites (not patches) for the patterns no fixer can prove equivalent: fork + exec of a
// helper becomes a call of a function the user writes, a prefork pool becomes a pthread pool running the same worker
// function, SysV shared memory between a parent and its forked children becomes memory shared by threads. Each
// skeleton names what it read from the source (the helper's path, the worker call, the segment's size) and leaves
// the rest as marked blanks: equivalence is the user's to establish.

/** The identifiers of a C call `name(args)` on a line, outside strings. */
function firstCall(line: string, skip: ReadonlySet<string>): { name: string; args: string } | undefined {
  const code = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const m of code.matchAll(/\b([A-Za-z_]\w*)\s*\(([^()]*)\)/g)) {
    const name = m[1] as string;
    if (!skip.has(name)) return { name, args: (m[2] as string).trim() };
  }
  return undefined;
}

const NOT_WORKERS = new Set(["if", "while", "for", "switch", "return", "sizeof", "fork", "exit", "_exit", "close", "perror", "printf", "fprintf", "signal", "sigaction", "setsid", "abort"]);

/** What the child branch after the fork on `lines[index]` calls first: the worker, for a prefork pool. */
function childCall(lines: readonly string[], index: number): { name: string; args: string } | undefined {
  const fork = /(\w+(?:\[\w+\])?)\s*=\s*fork\s*\(/.exec(lines[index] ?? "");
  const v = fork?.[1]?.replace(/[[\]]/g, (c) => `\\${c}`);
  for (let i = index; i < Math.min(lines.length, index + 8); i++) {
    const l = lines[i] as string;
    if (v !== undefined && new RegExp(`\\b${v}\\s*==\\s*0\\b`).test(l)) {
      const rest = l.slice(l.search(/==\s*0/) + 2);
      const here = firstCall(rest.replace(/^[^)]*\)/, ""), NOT_WORKERS);
      if (here !== undefined) return here;
      for (let j = i + 1; j < Math.min(lines.length, i + 5); j++) {
        const c = firstCall(lines[j] as string, NOT_WORKERS);
        if (c !== undefined) return c;
      }
    }
  }
  return undefined;
}

export interface Skeleton {
  ruleId: string;
  line: number;
  function?: string;
  code: string;
}

/** A suggested rewrite for one finding at `line` (1-based) in `text`, or undefined when the rule has none. */
export function skeletonFor(ruleId: string, text: string, line: number, fn: string | undefined): Skeleton | undefined {
  const lines = text.split("\n");
  const at = lines[line - 1] ?? "";
  const where = `${fn !== undefined ? `${fn}, ` : ""}line ${line}`;
  if (ruleId === "prefork-pool") {
    const w = childCall(lines, line - 1);
    const call = w !== undefined ? `${w.name}(${w.args})` : "/* the code the forked child ran */";
    return {
      ruleId,
      line,
      ...(fn !== undefined ? { function: fn } : {}),
      code: [
        `/* unifit plan (suggestion): the worker processes forked at ${where} become threads of one process. */`,
        "#include <pthread.h>",
        "",
        "struct worker_args { /* the values the child used: " + (w?.args || "...") + " */ };",
        "",
        "static void *worker_thread(void *p) {",
        "  struct worker_args *a = p;",
        `  (void)a; ${call}; /* arguments from *a */`,
        "  return NULL;",
        "}",
        "",
        "/* Instead of the fork loop: */",
        "pthread_t workers[NWORKERS];",
        "for (int i = 0; i < NWORKERS; i++) pthread_create(&workers[i], NULL, worker_thread, &args);",
        "/* A worker that dies takes the process with it: there is nothing to restart (drop the wait + fork loop).",
        "   Stopping: set a shared atomic flag the workers check, instead of kill() on each pid; then pthread_join. */",
      ].join("\n"),
    };
  }
  if (ruleId === "fork-then-exec") {
    let helper: string | undefined;
    for (let i = line - 1; i < Math.min(lines.length, line + 8) && helper === undefined; i++) helper = /\bexec\w*\s*\(\s*"([^"]+)"/.exec(lines[i] as string)?.[1];
    const base = helper?.split("/").pop()?.replace(/\W/g, "_") ?? "helper";
    return {
      ruleId,
      line,
      ...(fn !== undefined ? { function: fn } : {}),
      code: [
        `/* unifit plan (suggestion): ${where} starts ${helper ?? "a helper program"} with fork + exec; call a function instead. */`,
        `static int run_${base}(void) {`,
        `  /* Do here, in-process, what ${helper ?? "the helper"} did for this program (a library call, or a few file`,
        "     operations), and return 0 on success as the helper's exit status did. */",
        "  return 0;",
        "}",
        "",
        `/* At ${where}: replace the fork(), the exec*() in the child and the waitpid() in the parent with */`,
        `if (run_${base}() != 0) { /* what the code did when the helper failed */ }`,
      ].join("\n"),
    };
  }
  if (ruleId === "sysv-shm" && /\bshmget\s*\(/.test(at)) {
    const size = /\bshmget\s*\([^,]*,\s*([^,]+),/.exec(at)?.[1]?.trim() ?? "SIZE";
    let ptr: string | undefined;
    for (let i = line - 1; i < Math.min(lines.length, line + 6) && ptr === undefined; i++) ptr = /(\w+)\s*=[^;]*\bshmat\s*\(/.exec(lines[i] as string)?.[1];
    return {
      ruleId,
      line,
      ...(fn !== undefined ? { function: fn } : {}),
      code: [
        `/* unifit plan (suggestion): the System V segment of ${where} was shared with forked children; threads share memory. */`,
        `${ptr ?? "p"} = calloc(1, ${size}); /* instead of shmget + shmat; threads see it as the children saw the segment */`,
        "/* Updates from several threads: atomics (__atomic_fetch_add) or a pthread mutex, as the processes needed locks. */",
        `/* Instead of shmdt + shmctl(IPC_RMID): free(${ptr ?? "p"}) once the threads are joined. */`,
      ].join("\n"),
    };
  }
  return undefined;
}
