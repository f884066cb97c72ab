#!/usr/bin/env bash
# Installs and caches what the tests need, idempotently: gcc, strace, musl-tools, the aarch64 cross gcc and qemu-user from Debian, and the Debian
# packages whose real binaries the tests scan (apt-get download into .cache/debs, unpacked into .cache/debian/<pkg>).
# Nothing is downloaded twice; `apt-get update` runs only when a package cannot be found without it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export DEBIAN_FRONTEND=noninteractive

updated=0
apt_update() { if [ "$updated" = 0 ]; then apt-get update -qq; updated=1; fi; }

need=()
command -v gcc >/dev/null || need+=(gcc)
command -v strace >/dev/null || need+=(strace)
command -v musl-gcc >/dev/null || need+=(musl-tools)
command -v patch >/dev/null || need+=(patch)
# libseccomp-dev: unifit try builds its seccomp helper with -lseccomp (test/try/)
[ -e /usr/include/seccomp.h ] || need+=(libseccomp-dev)
# C++ programs for the call-chain tests (demangled names), and c++filt (binutils) as the demangler's oracle.
command -v g++ >/dev/null || need+=(g++)
command -v c++filt >/dev/null || need+=(binutils)
# aarch64: a cross compiler (with Debian's arm64 glibc as its sysroot, /usr/aarch64-linux-gnu) and qemu-user, whose
# -strace is the oracle for the cross-built programs (test/oracle/aarch64.test.ts).
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
# Go: a static Go program that lists network interfaces (net.Interfaces -> socket(AF_NETLINK)), built at test time
# for test/analyze/argument-rules.test.ts.
command -v go >/dev/null || need+=(golang-go)
# Libraries that call through function pointers stored in their own data (test/oracle/library-pointers.test.ts):
# libevent's table of polling back-ends, sqlite's table of syscall wrappers.
[ -f /usr/include/event2/event.h ] || need+=(libevent-dev)
[ -f /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
# Debian's chromium: the HTML report is opened headless through puppeteer-core (test/report/html-chromium.test.ts).
command -v chromium >/dev/null || need+=(chromium)
if [ "${#need[@]}" -gt 0 ]; then
  echo "prepare: installing ${need[*]}" >&2
  apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || { apt_update; apt-get install -y -qq "${need[@]}" >/dev/null; }
fi

debs="$root/.cache/debs"
mkdir -p "$debs" "$root/.cache/debian"
# nginx: the server binary that nginx-light depends on in Debian 12; redis-tools: holds redis-check-rdb, which
# /usr/bin/redis-server links to (libjemalloc2 and liblzf1: its libraries, to run it); memcached: the server (test/apps/servers-try.test.ts); sqlite3: the shell. Static binaries for test/debian/static-binaries.test.ts:
# busybox-static (/bin/busybox, glibc -static), shfmt (/usr/bin/shfmt, a static Go program; gron is not used
# because Debian links it dynamically against libc through cgo), ripgrep (/usr/bin/rg, a Rust program,
# dynamically linked against glibc in Debian 12), fd-find (/usr/bin/fdfind, Rust) for test/oracle/agreement.test.ts.
# libc6, libjemalloc2, liblzf1, libatomic1, libssl3, libsystemd0: the libraries redis-check-rdb loads, laid into
# the container images test/image/ builds (liblzf and libjemalloc are not on this machine: the test proves by them
# that libraries are read from the image); libjemalloc2 and liblzf1 also let redis run under unifit try (test/apps/).
for pkg in nginx redis-tools memcached sqlite3 busybox-static shfmt ripgrep fd-find libc6 libjemalloc2 liblzf1 libatomic1 libssl3 libsystemd0; do
  if ! compgen -G "$debs/${pkg}_*.deb" >/dev/null; then
    echo "prepare: apt-get download $pkg" >&2
    (cd "$debs" && apt-get download -qq "$pkg" 2>/dev/null) || { apt_update; (cd "$debs" && apt-get download -qq "$pkg" 2>/dev/null); }
  fi
  dest="$root/.cache/debian/$pkg"
  if [ ! -d "$dest" ]; then
    rm -rf "$dest.tmp"
    dpkg-deb -x "$(compgen -G "$debs/${pkg}_*.deb" | head -n 1)" "$dest.tmp"
    mv "$dest.tmp" "$dest"
  fi
done
bash "$root/test/setup/sources.sh" || echo "prepare: test/setup/sources.sh failed; test/source/real-trees.test.ts will skip the missing trees" >&2
