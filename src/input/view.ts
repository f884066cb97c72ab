// @fileoverview FileView: the read-only file system the library loader looks into (ld.so.conf, candidate paths,
// library bytes). The host's sysroot is one (paths under a directory, read as they are today); an image's layers
// applied in memory are another (src/image/mem-view.ts). The loader needs nothing else of a file system.

/** A read-only tree addressed by absolute POSIX paths ("/lib/x86_64-linux-gnu/libc.so.6"). */
export interface FileView {
  /** Distinguishes views within a process (memo keys): no two live views share it. */
  readonly id: string;
  /** Whether the path (links followed inside the view) is a regular file. */
  isFile(path: string): boolean;
  /** The file's bytes (links followed inside the view), or undefined when it is not a readable regular file. */
  readFile(path: string): Buffer | undefined;
  /** Names in a directory, sorted, or undefined when it is not one. */
  readdir(path: string): string[] | undefined;
  /**
   * The SHA-256 of a file's content when the view already knows it (an image hashes each file as it is read), so
   * that the loader does not read and hash it again. Undefined: unknown, the loader hashes what it reads.
   */
  contentHash?(path: string): string | undefined;
}
