// @fileoverview Library functions that write none of their caller's memory and keep no pointer they are handed, as
// facts read from their prototypes and code: every pointer parameter is `const` and only read before the function
// returns (the kernel copies what the syscall needs), every other parameter is a number. The value analysis of
// src/analyze/arg-values.ts keeps its stack slots and a getaddrinfo list's fields across a call of one of them, where
// an unknown callee handed a stack address may have changed any of them (`setsockopt(s, SOL_SOCKET, SO_REUSEADDR,
// &on, sizeof on)` inside a `for (p = res; p; p = p->ai_next) socket(p->ai_family, ...)` loop). A function that writes
// through a pointer (accept's addr, recv's buf), keeps one (setvbuf), calls back into the program, or takes variable
// arguments (fcntl, ioctl: the third may be a pointer written through) is not listed, but for the value-result
// buffers of getsockname and getsockopt, whose bytes are bounded by the length the caller passes (`fills`).

export interface ReadOnlyCall {
  /** How many parameters the function takes (none is variadic). */
  params: number;
  /** 0-based indices of its pointer parameters, each `const` in the prototype and only read. */
  pointers: readonly number[];
  /**
   * A value-result buffer it fills (getsockname, getsockopt): at most as many bytes at its `buffer` parameter as the
   * socklen_t its `length` parameter points to holds on entry, and a new length there. It keeps neither pointer and
   * writes nothing else of the caller's; the value analysis forgets those bytes when it knows where they are.
   */
  fills?: { buffer: number; length: number };
  /** Upstream file:line of the prototype and of the code that only reads (glibc, then musl). */
  source: string;
}

// glibc 2.36 (bminor/glibc, tag glibc-2.36, commit c804cd1c00adde061ca51711f63068c103e94eef; the same headers Debian's
// libc6-dev 2.36 installs) and musl 1.2.3 (bminor/musl, tag v1.2.3, commit 7a43f6fea9081bdd53d8a11cef9e9fab0348c53d).
// glibc's Linux entry points below are one syscall each (sysdeps/unix/sysv/linux/<name>.c), musl's one socketcall or
// syscall (src/network/<name>.c, src/unistd/<name>.c); the x86-64 and aarch64 kernels read a sockaddr, an option value
// or a buffer from user memory and write none of it back.
const GLIBC = "glibc-2.36";
const MUSL = "musl-v1.2.3";

export const READ_ONLY_CALLS: ReadonlyMap<string, ReadOnlyCall> = new Map<string, ReadOnlyCall>([
  ["socket", {
    params: 3,
    pointers: [],
    source: `${GLIBC} socket/sys/socket.h:102, sysdeps/unix/sysv/linux/socket.c:29-32; ${MUSL} src/network/socket.c:6-20`,
  }],
  ["bind", {
    params: 3,
    pointers: [1],
    source: `${GLIBC} socket/sys/socket.h:112-113 (__CONST_SOCKADDR_ARG), sysdeps/unix/sysv/linux/bind.c:29-32; ${MUSL} src/network/bind.c:4-6`,
  }],
  ["connect", {
    params: 3,
    pointers: [1],
    source: `${GLIBC} socket/sys/socket.h:126, sysdeps/unix/sysv/linux/connect.c:25-28; ${MUSL} src/network/connect.c:4-6`,
  }],
  ["listen", {
    params: 2,
    pointers: [],
    source: `${GLIBC} socket/sys/socket.h:296, sysdeps/unix/sysv/linux/listen.c:29-32; ${MUSL} src/network/listen.c:4-6`,
  }],
  ["send", {
    params: 4,
    pointers: [1],
    source: `${GLIBC} socket/sys/socket.h:138, sysdeps/unix/sysv/linux/send.c:25-30; ${MUSL} src/network/send.c:3-5 (sendto)`,
  }],
  ["sendto", {
    params: 6,
    pointers: [1, 4],
    source: `${GLIBC} socket/sys/socket.h:152-154, sysdeps/unix/sysv/linux/sendto.c:26-30; ${MUSL} src/network/sendto.c:4-6`,
  }],
  // On x86-64 and aarch64 glibc makes the one setsockopt syscall (setsockopt.c:28-29); its 32-bit time fallback
  // (:35-90, not built there) reads *optval into a local copy. musl converts SO_RCVTIMEO/SNDTIMEO the same way (:24-33).
  ["setsockopt", {
    params: 5,
    pointers: [3],
    source: `${GLIBC} socket/sys/socket.h:277-278, sysdeps/unix/sysv/linux/setsockopt.c:24-33,92-103; ${MUSL} src/network/setsockopt.c:9-46`,
  }],
  ["write", {
    params: 3,
    pointers: [1],
    source: `${GLIBC} posix/unistd.h:378, sysdeps/unix/sysv/linux/write.c:26; ${MUSL} src/unistd/write.c:4-6`,
  }],
  ["close", {
    params: 1,
    pointers: [],
    source: `${GLIBC} posix/unistd.h:358, sysdeps/unix/sysv/linux/close.c:27; ${MUSL} src/unistd/close.c:13-18`,
  }],
  // Value-result buffers. The wrappers are one syscall each and not cancellation points (accept is one: its cleanup
  // handlers may run the program's code, so it is not listed). The kernel copies at most the length the caller gave
  // and writes the full length back: Linux net/socket.c move_addr_to_user (getsockname, getpeername) and
  // net/core/sock.c sock_getsockopt and each protocol's getsockopt (`len = min(len, size)` before the copy); POSIX
  // says the same of both (the stored address or option value is truncated to the caller's length). gVisor, one of
  // the targets: google/gvisor 3c5eee17dc45659fb86843531074f38e78e0cc35 pkg/sentry/syscalls/linux/sys_socket.go:143-175
  // (writeAddress) and :444-493 (GetSockOpt, `n := min(int(optLen), v.SizeBytes())`).
  ["getsockname", {
    params: 3,
    pointers: [],
    fills: { buffer: 1, length: 2 },
    source: `${GLIBC} socket/sys/socket.h:116-117, sysdeps/unix/sysv/linux/getsockname.c:26-34; ${MUSL} src/network/getsockname.c:4-7`,
  }],
  ["getpeername", {
    params: 3,
    pointers: [],
    fills: { buffer: 1, length: 2 },
    source: `${GLIBC} socket/sys/socket.h:130-131, sysdeps/unix/sysv/linux/getpeername.c:26-34; ${MUSL} src/network/getpeername.c:4-7`,
  }],
  // glibc's 32-bit time fallback (getsockopt.c:35-89) is not built on x86-64 and aarch64 (__ASSUME_TIME64_SYSCALLS);
  // musl's (:13-39) is skipped there too (SO_RCVTIMEO == SO_RCVTIMEO_OLD) and writes at most the length checked at :19.
  ["getsockopt", {
    params: 5,
    pointers: [],
    fills: { buffer: 3, length: 4 },
    source: `${GLIBC} socket/sys/socket.h:255-257, sysdeps/unix/sysv/linux/getsockopt.c:24-33,91-103; ${MUSL} src/network/getsockopt.c:6-41`,
  }],
  // The address of the calling thread's errno (thread-local storage, not the stack or the heap).
  ["__errno_location", {
    params: 0,
    pointers: [],
    source: `${GLIBC} stdlib/errno.h:37, csu/errno-loc.c:23-27; ${MUSL} src/errno/__errno_location.c:4-7`,
  }],
]);
