// @fileoverview Marks the ways into a syscall on which the runtime that makes the call (the libc, Go's runtime and
// standard library, Rust's std, libuv) carries on when it fails, from syscall-db/fallbacks/: the analysis says what
// the program falls back to; the rater decides per target whether the target's refusal is one the runtime tolerates.

import { fallbackFor } from "../db/fallbacks.js";
import type { Database, Fallback, LibcMap, RuntimeName } from "../db/types.js";
import type { ElfFile } from "../elf/types.js";
import type { FallbackUse } from "../types.js";
import type { SyscallCollector } from "./collector.js";

/** The runtimes whose code a file holds or calls: its libc, Go, Rust std, and libuv (linked in, or a library). */
function runtimesOf(elf: ElfFile): RuntimeName[] {
  const out: RuntimeName[] = [];
  const { libc, goVersion, rust } = elf.classification;
  if (libc === "glibc" || libc === "musl") out.push(libc);
  if (goVersion !== undefined || libc === "go") out.push("go");
  if (rust) out.push("rust");
  const uv = (list: readonly { name: string }[]): boolean => list.some((s) => s.name === "uv_loop_init");
  if (uv(elf.exports) || uv(elf.symtab) || elf.needed.some((n) => n.startsWith("libuv.so"))) out.push("libuv");
  return out;
}

/**
 * Rust's legacy mangling (`_ZN3std3sys4unix2fs9try_statx17h0123456789abcdefE`) as the path the fallback data names
 * (`std::sys::unix::fs::try_statx`): length-prefixed segments, the hash segment dropped, `$LT$`-style escapes decoded.
 * Only for matching; any other name is returned as it is.
 */
function rustPath(symbol: string): string {
  if (!symbol.startsWith("_ZN") || !symbol.endsWith("E")) return symbol;
  const parts: string[] = [];
  let i = 3;
  while (i < symbol.length - 1) {
    let j = i;
    while (j < symbol.length && symbol.charCodeAt(j) >= 48 && symbol.charCodeAt(j) <= 57) j++;
    if (j === i) return symbol;
    const len = Number(symbol.slice(i, j));
    if (j + len > symbol.length - 1) return symbol;
    parts.push(symbol.slice(j, j + len));
    i = j + len;
  }
  const last = parts[parts.length - 1];
  if (last !== undefined && /^h[0-9a-f]{16}$/.test(last)) parts.pop();
  const escapes: Record<string, string> = { $LT$: "<", $GT$: ">", $LP$: "(", $RP$: ")", $C$: ",", $SP$: "@", $BP$: "*", $RF$: "&", $u20$: " ", $u27$: "'", $u5b$: "[", $u5d$: "]", $u7b$: "{", $u7d$: "}", $u7e$: "~" };
  return parts.map((p) => p.replace(/\$[A-Za-z0-9]+\$/g, (e) => escapes[e] ?? e).replace(/\.\./g, "::")).join("::");
}

/** One trimmed copy per entry, shared by every via that uses it. */
const uses = new WeakMap<Fallback, FallbackUse>();
export function useOf(f: Fallback): FallbackUse {
  let u = uses.get(f);
  if (u === undefined) uses.set(f, (u = { runtime: f.runtime, errors: f.errors, to: f.to, does: f.does, at: f.at }));
  return u;
}

/** Whether a site's function belongs to the libc linked into a static program (its map names it, or libc's naming). */
function inLibc(fn: string, map: LibcMap | undefined): boolean {
  if (fn.startsWith("_")) return true;
  return map !== undefined && (map.functions.has(fn) || map.functions.has(fn.replace(/^__(libc_)?/, "")));
}

/**
 * Sets `fallback` on every way in that a runtime of the file tolerates: a code site in a function the data names (or
 * anywhere in the libc, for entries that hold wherever the libc makes the call); an imported function the data names,
 * or any import for such libc-wide entries; the libc start-up for libc-wide entries.
 */
export function markFallbacks(elf: ElfFile, db: Database, out: SyscallCollector): void {
  const runtimes = runtimesOf(elf);
  if (runtimes.length === 0 || db.fallbacks.size === 0) return;
  const libcRuntimes = runtimes.filter((r) => r === "glibc" || r === "musl");
  const map = db.libcs.get(elf.classification.libc);
  out.mapVias((syscall, v) => {
    if (v.fallback !== undefined) return v;
    let found: Fallback | undefined;
    if (v.kind === "site") {
      const fn = v.function ?? "";
      const names = fn === rustPath(fn) ? [fn] : [fn, rustPath(fn)];
      for (const r of runtimes) {
        for (const name of names) {
          const f = fallbackFor(db, r, syscall, name);
          // A libc-wide entry holds for sites inside the (static) libc, not for the program's own raw calls; a Go or
          // Rust runtime-wide one for any site (their code is compiled into the program, often without names).
          if (f !== undefined && (f.functions.includes(name) || !(r === "glibc" || r === "musl") || inLibc(fn, map))) found ??= f;
        }
      }
    } else if (v.kind === "import" || v.kind === "library") {
      for (const r of [...libcRuntimes, ...runtimes.filter((x) => x === "libuv")]) found ??= fallbackFor(db, r, syscall, v.function);
    } else if (v.kind === "startup") {
      for (const r of libcRuntimes) found ??= fallbackFor(db, r, syscall, undefined);
    }
    return found === undefined ? v : { ...v, fallback: useOf(found) };
  });
}
