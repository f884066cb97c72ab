// @fileoverview The closed vocabulary of argument rules: for each syscall whose support depends on one argument (or a
// pair: setsockopt's level and option name), which argument decides, how a constant value of it is named (AF_NETLINK, MAP_SHARED file, TCGETS ...), and the mask a
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
  /**
   * A second deciding argument, whose names depend on the first's value (setsockopt's optname per level). A value of
   * the pair is one number, first * PAIR + second, named "FIRST/SECOND" (SOL_SOCKET/SO_REUSEPORT); a rule key may
   * also be "FIRST/other" (every second value of that first value that no key lists).
   */
  second?: { index: number; arg: string; mask: number; names: ReadonlyMap<number, ReadonlyMap<number, string>> };
}

/** How a pair of values is packed into one number (both are 32-bit). */
export const PAIR = 0x100000000;

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

// include/uapi/linux/futex.h: the command, without FUTEX_PRIVATE_FLAG (128) and FUTEX_CLOCK_REALTIME (256), which
// every target reads the command under (FUTEX_CMD_MASK): FUTEX_WAIT_PRIVATE is FUTEX_WAIT here.
const FUTEX = table({
  FUTEX_WAIT: 0, FUTEX_WAKE: 1, FUTEX_FD: 2, FUTEX_REQUEUE: 3, FUTEX_CMP_REQUEUE: 4, FUTEX_WAKE_OP: 5,
  FUTEX_LOCK_PI: 6, FUTEX_UNLOCK_PI: 7, FUTEX_TRYLOCK_PI: 8, FUTEX_WAIT_BITSET: 9, FUTEX_WAKE_BITSET: 10,
  FUTEX_WAIT_REQUEUE_PI: 11, FUTEX_CMP_REQUEUE_PI: 12, FUTEX_LOCK_PI2: 13,
});

// include/uapi/linux/time.h. Negative ids are the CPU clocks of a process or thread (clock_getcpuclockid).
const CLOCK = table({
  CLOCK_REALTIME: 0, CLOCK_MONOTONIC: 1, CLOCK_PROCESS_CPUTIME_ID: 2, CLOCK_THREAD_CPUTIME_ID: 3,
  CLOCK_MONOTONIC_RAW: 4, CLOCK_REALTIME_COARSE: 5, CLOCK_MONOTONIC_COARSE: 6, CLOCK_BOOTTIME: 7,
  CLOCK_REALTIME_ALARM: 8, CLOCK_BOOTTIME_ALARM: 9, CLOCK_TAI: 11,
});

// setsockopt/getsockopt levels (include/linux/socket.h SOL_*, uapi/linux/in.h IPPROTO_*: SOL_IP, SOL_TCP, SOL_UDP and
// SOL_IPV6 are the IPPROTO_ numbers) and the option names per level (uapi/asm-generic/socket.h, linux/tcp.h,
// linux/in.h, linux/in6.h, linux/udp.h; x86_64 and aarch64 share them, SO_RCVTIMEO/SO_SNDTIMEO/SO_TIMESTAMP are the
// 64-bit "_OLD" numbers).
const LEVEL = table({
  IPPROTO_IP: 0, SOL_SOCKET: 1, IPPROTO_TCP: 6, IPPROTO_UDP: 17, IPPROTO_IPV6: 41, SOL_RAW: 255, SOL_PACKET: 263,
  SOL_NETLINK: 270, SOL_ALG: 279, SOL_TLS: 282,
});
const SOCKOPT: ReadonlyMap<number, ReadonlyMap<number, string>> = new Map([
  [1, table({
    SO_DEBUG: 1, SO_REUSEADDR: 2, SO_TYPE: 3, SO_ERROR: 4, SO_DONTROUTE: 5, SO_BROADCAST: 6, SO_SNDBUF: 7, SO_RCVBUF: 8,
    SO_KEEPALIVE: 9, SO_OOBINLINE: 10, SO_NO_CHECK: 11, SO_PRIORITY: 12, SO_LINGER: 13, SO_BSDCOMPAT: 14,
    SO_REUSEPORT: 15, SO_PASSCRED: 16, SO_PEERCRED: 17, SO_RCVLOWAT: 18, SO_SNDLOWAT: 19, SO_RCVTIMEO: 20,
    SO_SNDTIMEO: 21, SO_BINDTODEVICE: 25, SO_ATTACH_FILTER: 26, SO_DETACH_FILTER: 27, SO_PEERNAME: 28,
    SO_TIMESTAMP: 29, SO_ACCEPTCONN: 30, SO_PEERSEC: 31, SO_SNDBUFFORCE: 32, SO_RCVBUFFORCE: 33, SO_PASSSEC: 34,
    SO_TIMESTAMPNS: 35, SO_MARK: 36, SO_TIMESTAMPING: 37, SO_PROTOCOL: 38, SO_DOMAIN: 39, SO_RXQ_OVFL: 40,
    SO_PEEK_OFF: 42, SO_BUSY_POLL: 46, SO_INCOMING_CPU: 49, SO_ATTACH_BPF: 50, SO_ATTACH_REUSEPORT_CBPF: 51,
    SO_ATTACH_REUSEPORT_EBPF: 52, SO_INCOMING_NAPI_ID: 56, SO_COOKIE: 57, SO_ZEROCOPY: 60, SO_TXTIME: 61,
    SO_BINDTOIFINDEX: 62,
  })],
  [0, table({
    IP_TOS: 1, IP_TTL: 2, IP_HDRINCL: 3, IP_OPTIONS: 4, IP_RECVOPTS: 6, IP_RETOPTS: 7, IP_PKTINFO: 8,
    IP_MTU_DISCOVER: 10, IP_RECVERR: 11, IP_RECVTTL: 12, IP_RECVTOS: 13, IP_MTU: 14, IP_FREEBIND: 15,
    IP_TRANSPARENT: 19, IP_BIND_ADDRESS_NO_PORT: 24, IP_MULTICAST_IF: 32, IP_MULTICAST_TTL: 33,
    IP_MULTICAST_LOOP: 34, IP_ADD_MEMBERSHIP: 35, IP_DROP_MEMBERSHIP: 36, IP_ADD_SOURCE_MEMBERSHIP: 39,
    IP_DROP_SOURCE_MEMBERSHIP: 40, MCAST_JOIN_GROUP: 42, MCAST_LEAVE_GROUP: 45,
  })],
  [6, table({
    TCP_NODELAY: 1, TCP_MAXSEG: 2, TCP_CORK: 3, TCP_KEEPIDLE: 4, TCP_KEEPINTVL: 5, TCP_KEEPCNT: 6, TCP_SYNCNT: 7,
    TCP_LINGER2: 8, TCP_DEFER_ACCEPT: 9, TCP_WINDOW_CLAMP: 10, TCP_INFO: 11, TCP_QUICKACK: 12, TCP_CONGESTION: 13,
    TCP_MD5SIG: 14, TCP_USER_TIMEOUT: 18, TCP_REPAIR: 19, TCP_FASTOPEN: 23, TCP_NOTSENT_LOWAT: 25,
    TCP_FASTOPEN_CONNECT: 30, TCP_ULP: 31,
  })],
  [17, table({ UDP_CORK: 1, UDP_SEGMENT: 103, UDP_GRO: 104 })],
  [41, table({
    IPV6_UNICAST_HOPS: 16, IPV6_MULTICAST_IF: 17, IPV6_MULTICAST_HOPS: 18, IPV6_MULTICAST_LOOP: 19,
    IPV6_JOIN_GROUP: 20, IPV6_LEAVE_GROUP: 21, IPV6_V6ONLY: 26, IPV6_RECVPKTINFO: 49, IPV6_TCLASS: 67,
  })],
]);
const SOCKOPT_ARGS: Omit<ArgSpec, "arg"> = {
  index: 1, mask: 0xffffffff, names: LEVEL, second: { index: 2, arg: "optname", mask: 0xffffffff, names: SOCKOPT },
};

export const ARG_SPECS: ReadonlyMap<string, ArgSpec> = new Map([
  ["socket", { index: 0, arg: "domain", mask: 0xffffffff, names: AF }],
  ["mmap", { index: 3, arg: "flags", mask: 0x23, names: MMAP }],
  ["ioctl", { index: 1, arg: "request", mask: 0xffffffff, names: IOCTL }],
  ["fcntl", { index: 1, arg: "cmd", mask: 0xffffffff, names: FCNTL }],
  ["prctl", { index: 0, arg: "option", mask: 0xffffffff, names: PRCTL }],
  ["madvise", { index: 2, arg: "advice", mask: 0xffffffff, names: MADV }],
  ["futex", { index: 1, arg: "op", mask: 0x7f, names: FUTEX }],
  ["clock_gettime", { index: 0, arg: "clockid", mask: 0xffffffff, names: CLOCK }],
  ["clock_settime", { index: 0, arg: "clockid", mask: 0xffffffff, names: CLOCK }],
  ["clock_getres", { index: 0, arg: "clockid", mask: 0xffffffff, names: CLOCK }],
  ["clock_nanosleep", { index: 0, arg: "clockid", mask: 0xffffffff, names: CLOCK }],
  ["setsockopt", { ...SOCKOPT_ARGS, arg: "level" }],
  ["getsockopt", { ...SOCKOPT_ARGS, arg: "level" }],
]);

/** The label of a syscall's deciding argument(s): "domain", or "level/optname" for a pair. */
export const argLabel = (spec: ArgSpec): string => (spec.second !== undefined ? `${spec.arg}/${spec.second.arg}` : spec.arg);

/** One value of an argument, by name or as "arg=N" (hex above 0xff). */
function nameOf(names: ReadonlyMap<number, string>, arg: string, v: number): string {
  return names.get(v) ?? (v > 0xff ? `${arg}=${hex(v)}` : `${arg}=${v}`);
}

/** The name of a constant value of `syscall`'s deciding argument, or undefined when the syscall has no rule. */
export function argValueName(syscall: string, value: number): string | undefined {
  const spec = ARG_SPECS.get(syscall);
  if (spec === undefined) return undefined;
  if (spec.second !== undefined) {
    const first = (Math.floor(value / PAIR) & spec.mask) >>> 0;
    const second = (value % PAIR & spec.second.mask) >>> 0;
    return `${nameOf(spec.names, spec.arg, first)}/${nameOf(spec.second.names.get(first) ?? new Map(), spec.second.arg, second)}`;
  }
  // Requests and flag words read as the headers write them: in hex.
  return nameOf(spec.names, spec.arg, (value & spec.mask) >>> 0);
}

/** The number of one named value ("AF_INET", "domain=42", "level=0x107"), or undefined. */
function numberOf(names: ReadonlyMap<number, string>, name: string): number | undefined {
  for (const [v, n] of names) if (n === name) return v;
  const m = /^[a-z]+=(0x[0-9a-f]+|\d+)$/.exec(name);
  return m !== null ? Number(m[1]) : undefined;
}

/** The masked number of a named value (for the seccomp filter), or undefined when the name is not in the vocabulary. */
export function argValueNumber(syscall: string, name: string): number | undefined {
  const spec = ARG_SPECS.get(syscall);
  if (spec === undefined) return undefined;
  if (spec.second === undefined) return numberOf(spec.names, name);
  const [a, b, more] = name.split("/");
  if (a === undefined || b === undefined || more !== undefined) return undefined;
  const first = numberOf(spec.names, a);
  const second = first !== undefined ? numberOf(spec.second.names.get(first) ?? new Map(), b) : undefined;
  return first !== undefined && second !== undefined ? first * PAIR + second : undefined;
}

/** Packs a pair of argument values as argValueName reads them. */
export const argPair = (first: number, second: number): number => (first >>> 0) * PAIR + (second >>> 0);

/**
 * For a pair syscall, the first value's part of a rule key "FIRST/other" (the number of FIRST), else undefined:
 * such a key covers every second value of FIRST that no key of its own names.
 */
export function argFirstOther(syscall: string, key: string): number | undefined {
  const spec = ARG_SPECS.get(syscall);
  const m = /^([^/]+)\/other$/.exec(key);
  if (spec?.second === undefined || m === null) return undefined;
  return numberOf(spec.names, m[1] as string);
}

/** The rule of a named value among a row's rules: its own key, then (pairs) "FIRST/other", then "other". */
export function argRuleFor<R>(syscall: string, rules: Readonly<Record<string, R>>, value: string): R | undefined {
  const own = rules[value];
  if (own !== undefined) return own;
  const slash = value.indexOf("/");
  if (ARG_SPECS.get(syscall)?.second !== undefined && slash > 0) {
    const level = rules[`${value.slice(0, slash)}/other`];
    if (level !== undefined) return level;
  }
  return rules[OTHER];
}

/** The key argRuleFor takes a value's rule from ("other" when none of its own). */
export function argRuleKey(syscall: string, rules: Readonly<Record<string, unknown>>, value: string): string {
  if (rules[value] !== undefined) return value;
  const slash = value.indexOf("/");
  if (ARG_SPECS.get(syscall)?.second !== undefined && slash > 0 && rules[`${value.slice(0, slash)}/other`] !== undefined) return `${value.slice(0, slash)}/other`;
  return OTHER;
}
