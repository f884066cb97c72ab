// @fileoverview The closed vocabulary of argument rules: for each syscall whose support depends on one argument, which
// argument decides, how a constant value of it is named (AF_NETLINK, MAP_SHARED file, TCGETS ...), and the mask a
// seccomp filter compares it under. Numbers are Linux's UAPI values, the same on x86_64 and aarch64 (the sources are
// named per table); no targets here.

import { hex } from "../util/hex.js";

/** How one syscall's deciding argument is read. */
export interface ArgSpec {
  /** 0-based index of the deciding argument in the syscall's own argument list. */
  index: number;
  /** Its name in the man page (domain, flags, request, cmd, option, advice). */
  arg: string;
  /** Only these bits of the argument decide (socket's type flags, mmap's other flags are ignored). */
  mask: number;
  /** Value (after the mask) → name. A value not listed is named by its number: "domain=42". */
  names: ReadonlyMap<number, string>;
}

/** The name a rule key may also take: every resolved value the target's rows do not list. */
export const OTHER = "other";
/** The mode of a call whose deciding argument could not be found where the call is made. */
export const UNKNOWN = "unknown";

const table = (o: Record<string, number>): ReadonlyMap<number, string> => new Map(Object.entries(o).map(([k, v]) => [v, k]));

// include/linux/socket.h (AF_*)
const AF = table({
  AF_UNSPEC: 0, AF_UNIX: 1, AF_INET: 2, AF_AX25: 3, AF_IPX: 4, AF_APPLETALK: 5, AF_NETROM: 6, AF_BRIDGE: 7,
  AF_ATMPVC: 8, AF_X25: 9, AF_INET6: 10, AF_ROSE: 11, AF_DECnet: 12, AF_NETBEUI: 13, AF_SECURITY: 14, AF_KEY: 15,
  AF_NETLINK: 16, AF_PACKET: 17, AF_ASH: 18, AF_ECONET: 19, AF_ATMSVC: 20, AF_RDS: 21, AF_SNA: 22, AF_IRDA: 23,
  AF_PPPOX: 24, AF_WANPIPE: 25, AF_LLC: 26, AF_IB: 27, AF_MPLS: 28, AF_CAN: 29, AF_TIPC: 30, AF_BLUETOOTH: 31,
  AF_IUCV: 32, AF_RXRPC: 33, AF_ISDN: 34, AF_PHONET: 35, AF_IEEE802154: 36, AF_CAIF: 37, AF_ALG: 38, AF_NFC: 39,
  AF_VSOCK: 40, AF_KCM: 41, AF_QIPCRTR: 42, AF_SMC: 43, AF_XDP: 44, AF_MCTP: 45,
});

// mmap: MAP_SHARED 0x01, MAP_PRIVATE 0x02, MAP_SHARED_VALIDATE 0x03 (the type bits), MAP_ANONYMOUS 0x20
// (include/uapi/linux/mman.h, asm-generic/mman-common.h). The kind of mapping, not every flag, decides support.
const MMAP = table({
  "MAP_SHARED file": 0x01,
  "MAP_PRIVATE file": 0x02,
  "MAP_SHARED_VALIDATE file": 0x03,
  "MAP_SHARED|MAP_ANONYMOUS": 0x21,
  "MAP_PRIVATE|MAP_ANONYMOUS": 0x22,
  "MAP_SHARED_VALIDATE|MAP_ANONYMOUS": 0x23,
});

// include/uapi/asm-generic/ioctls.h, linux/sockios.h
const IOCTL = table({
  TCGETS: 0x5401, TCSETS: 0x5402, TCSETSW: 0x5403, TCSETSF: 0x5404, TCGETA: 0x5405, TCSETA: 0x5406, TCSBRK: 0x5409,
  TCXONC: 0x540a, TCFLSH: 0x540b, TIOCEXCL: 0x540c, TIOCNXCL: 0x540d, TIOCSCTTY: 0x540e, TIOCGPGRP: 0x540f,
  TIOCSPGRP: 0x5410, TIOCOUTQ: 0x5411, TIOCSTI: 0x5412, TIOCGWINSZ: 0x5413, TIOCSWINSZ: 0x5414, TIOCMGET: 0x5415,
  // Block devices (linux/fs.h: _IO(0x12, n) and _IOR(0x12, n, size_t)): disk tools' size and geometry queries.
  BLKROGET: 0x125e, BLKRRPART: 0x125f, BLKGETSIZE: 0x1260, BLKFLSBUF: 0x1261, BLKSSZGET: 0x1268, BLKDISCARD: 0x1277,
  BLKIOMIN: 0x1278, BLKIOOPT: 0x1279, BLKPBSZGET: 0x127b, BLKBSZGET: 0x80081270, BLKGETSIZE64: 0x80081272,
  FIONREAD: 0x541b, TIOCLINUX: 0x541c, TIOCNOTTY: 0x5422, TIOCGSID: 0x5429, TIOCGPTN: 0x80045430,
  TIOCSPTLCK: 0x40045431, FIONBIO: 0x5421, FIONCLEX: 0x5450, FIOCLEX: 0x5451, FIOASYNC: 0x5452,
  SIOCGIFNAME: 0x8910, SIOCGIFCONF: 0x8912, SIOCGIFFLAGS: 0x8913, SIOCSIFFLAGS: 0x8914, SIOCGIFADDR: 0x8915,
  SIOCGIFNETMASK: 0x891b, SIOCGIFMTU: 0x8921, SIOCGIFHWADDR: 0x8927, SIOCGIFINDEX: 0x8933, SIOCATMARK: 0x8905,
  SIOCGSTAMP: 0x8906,
});

// include/uapi/asm-generic/fcntl.h, linux/fcntl.h
const FCNTL = table({
  F_DUPFD: 0, F_GETFD: 1, F_SETFD: 2, F_GETFL: 3, F_SETFL: 4, F_GETLK: 5, F_SETLK: 6, F_SETLKW: 7, F_SETOWN: 8,
  F_GETOWN: 9, F_SETSIG: 10, F_GETSIG: 11, F_SETOWN_EX: 15, F_GETOWN_EX: 16, F_OFD_GETLK: 36, F_OFD_SETLK: 37,
  F_OFD_SETLKW: 38, F_SETLEASE: 1024, F_GETLEASE: 1025, F_NOTIFY: 1026, F_DUPFD_CLOEXEC: 1030, F_SETPIPE_SZ: 1031,
  F_GETPIPE_SZ: 1032, F_ADD_SEALS: 1033, F_GET_SEALS: 1034,
});

// include/uapi/linux/prctl.h
const PRCTL = table({
  PR_SET_PDEATHSIG: 1, PR_GET_PDEATHSIG: 2, PR_GET_DUMPABLE: 3, PR_SET_DUMPABLE: 4, PR_GET_KEEPCAPS: 7,
  PR_SET_KEEPCAPS: 8, PR_GET_TIMERSLACK: 30, PR_SET_TIMERSLACK: 29, PR_SET_NAME: 15, PR_GET_NAME: 16,
  PR_GET_SECCOMP: 21, PR_SET_SECCOMP: 22, PR_CAPBSET_READ: 23, PR_CAPBSET_DROP: 24, PR_GET_SECUREBITS: 27,
  PR_SET_SECUREBITS: 28, PR_SET_MM: 35, PR_SET_CHILD_SUBREAPER: 36, PR_GET_CHILD_SUBREAPER: 37,
  PR_SET_NO_NEW_PRIVS: 38, PR_GET_NO_NEW_PRIVS: 39, PR_GET_TID_ADDRESS: 40, PR_SET_THP_DISABLE: 41,
  PR_GET_THP_DISABLE: 42, PR_CAP_AMBIENT: 47, PR_SET_VMA: 0x53564d41, PR_SET_PTRACER: 0x59616d61,
});

// include/uapi/asm-generic/mman-common.h
const MADV = table({
  MADV_NORMAL: 0, MADV_RANDOM: 1, MADV_SEQUENTIAL: 2, MADV_WILLNEED: 3, MADV_DONTNEED: 4, MADV_FREE: 8,
  MADV_REMOVE: 9, MADV_DONTFORK: 10, MADV_DOFORK: 11, MADV_MERGEABLE: 12, MADV_UNMERGEABLE: 13, MADV_HUGEPAGE: 14,
  MADV_NOHUGEPAGE: 15, MADV_DONTDUMP: 16, MADV_DODUMP: 17, MADV_WIPEONFORK: 18, MADV_KEEPONFORK: 19,
  MADV_COLD: 20, MADV_PAGEOUT: 21, MADV_HWPOISON: 100,
});

export const ARG_SPECS: ReadonlyMap<string, ArgSpec> = new Map([
  ["socket", { index: 0, arg: "domain", mask: 0xffffffff, names: AF }],
  ["mmap", { index: 3, arg: "flags", mask: 0x23, names: MMAP }],
  ["ioctl", { index: 1, arg: "request", mask: 0xffffffff, names: IOCTL }],
  ["fcntl", { index: 1, arg: "cmd", mask: 0xffffffff, names: FCNTL }],
  ["prctl", { index: 0, arg: "option", mask: 0xffffffff, names: PRCTL }],
  ["madvise", { index: 2, arg: "advice", mask: 0xffffffff, names: MADV }],
]);

/** The name of a constant value of `syscall`'s deciding argument, or undefined when the syscall has no rule. */
export function argValueName(syscall: string, value: number): string | undefined {
  const spec = ARG_SPECS.get(syscall);
  if (spec === undefined) return undefined;
  const v = (value & spec.mask) >>> 0;
  // Requests and flag words read as the headers write them: in hex.
  return spec.names.get(v) ?? (v > 0xff ? `${spec.arg}=${hex(v)}` : `${spec.arg}=${v}`);
}

/** The masked number of a named value (for the seccomp filter), or undefined when the name is not in the vocabulary. */
export function argValueNumber(syscall: string, name: string): number | undefined {
  const spec = ARG_SPECS.get(syscall);
  if (spec === undefined) return undefined;
  for (const [v, n] of spec.names) if (n === name) return v;
  const m = /^[a-z]+=(\d+)$/.exec(name);
  return m !== null ? Number(m[1]) : undefined;
}
