// @fileoverview The oracle programs of test/oracle/programs/ that build for every architecture: each exercises one
// process-model pattern. Architecture-specific ones (inline assembly) are added by each test.

export const PORTABLE_PROGRAMS = [
  "fork-exec",
  "posix-spawn",
  "system",
  "popen",
  "daemon",
  "prefork",
  "pthreads",
  "sysv-shm",
  "raw-syscall",
] as const;
