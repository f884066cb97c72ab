// @fileoverview Plugins a program of an image loads at run time (dlopen) that the image holds: names the program
// passes to dlopen literally (NUL-terminated strings in its bytes that name a shared object), resolved the way its
// DT_NEEDED names are (its RUNPATH/RPATH, the image's ld.so.conf or musl path file, the default directories), and
// the modules in the plugin directories of known programs (nginx). Strings are a heuristic: a name that the image
// does not hold, or a program that imports no dlopen, links nothing.

import { posix } from "node:path";
import { loadLibraries } from "../analyze/libraries.js";
import type { LibrarySession } from "../analyze/libraries.js";
import type { ElfFile } from "../elf/types.js";
import type { FileView } from "../input/view.js";
import type { Arch, ImagePlugin } from "../types.js";

/** Functions through which a program loads a shared object by name. */
const LOADERS = new Set(["dlopen", "dlmopen"]);

/** A whole NUL-terminated string naming a shared object: "libfoo.so", "libfoo.so.2", "/opt/x/mod_y.so". */
const SO_NAME = /(?<=\0)[A-Za-z0-9_+./-]{1,255}\.so(?:\.[0-9]+)*(?=\0)/g;

/**
 * Plugin directories of known programs (by the program's file name), from their packages: the modules there are
 * the ones `load_module` can name (Debian's nginx: /usr/lib/nginx/modules, nginx.org's: /usr/lib/nginx/modules
 * and /etc/nginx/modules, a link to it).
 */
const PLUGIN_DIRS: Readonly<Record<string, readonly string[]>> = {
  nginx: ["/usr/lib/nginx/modules", "/usr/local/nginx/modules"],
};

/** The shared-object names written in a program's bytes, sorted, without those its DT_NEEDED already loads. */
export function dlopenNames(bytes: Buffer, elf: ElfFile): string[] {
  if (!elf.imports.some((s) => LOADERS.has(s.name))) return [];
  // Its DT_NEEDED names (in .dynstr) and its interpreter (PT_INTERP) are strings of the file too, loaded already.
  const needed = new Set([...elf.needed, ...(elf.interp !== undefined ? [elf.interp] : [])]);
  const out = new Set<string>();
  for (const m of bytes.toString("latin1").matchAll(SO_NAME)) {
    const name = m[0];
    // A relative path is opened from the working directory, unknown here; a name is searched; a path is taken.
    if ((name.includes("/") && !name.startsWith("/")) || needed.has(name)) continue;
    out.add(name);
  }
  return [...out].sort();
}

/**
 * The plugins of one program that the image holds, with what they load in turn (their own DT_NEEDED, found the
 * same way), in a stable order: by plugin path.
 */
export function findPlugins(session: LibrarySession, view: FileView, programPath: string, bytes: Buffer, elf: ElfFile, arch: Arch): { plugins: ImagePlugin[]; loads: string[] } {
  const plugins = new Map<string, ImagePlugin>();
  const loads = new Set<string>();
  const names = dlopenNames(bytes, elf);
  if (names.length > 0) {
    // Resolved as the program's own DT_NEEDED would be: the same search, from the program's directory.
    const set = loadLibraries(session, { ...elf, needed: names }, programPath, arch, view);
    for (const l of set.libraries) {
      if (names.includes(l.name)) {
        if (!plugins.has(l.path)) plugins.set(l.path, { program: programPath, path: l.path, name: l.name, via: "dlopen" });
      } else loads.add(l.path);
    }
  }
  for (const dir of PLUGIN_DIRS[posix.basename(programPath)] ?? []) {
    for (const n of view.readdir(dir) ?? []) {
      const p = `${dir}/${n}`;
      if (!n.endsWith(".so") || !view.isFile(p) || plugins.has(p)) continue;
      plugins.set(p, { program: programPath, path: p, name: n, via: "plugin-dir" });
      const set = loadLibraries(session, { ...elf, needed: [p] }, programPath, arch, view);
      for (const l of set.libraries) if (l.path !== p) loads.add(l.path);
    }
  }
  return { plugins: [...plugins.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), loads: [...loads].sort() };
}
