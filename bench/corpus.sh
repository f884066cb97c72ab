#!/usr/bin/env bash
# Fetches the benchmark's extra corpus, idempotently: a fixed list of real Debian 12 packages, downloaded with
# `apt-get download` into .cache/bench-debs and unpacked with `dpkg-deb -x` into .cache/bench/<pkg>; also installs
# GNU time (/usr/bin/time, for peak RSS) and binutils (objdump, the peer) when missing. Nothing is fetched twice;
# `apt-get update` runs only when a download or install fails without it. About 16 MB of .debs in all.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive

updated=0
apt_update() { if [ "$updated" = 0 ]; then apt-get update -qq; updated=1; fi; }

need=()
[ -x /usr/bin/time ] || need+=(time)
command -v objdump >/dev/null || need+=(binutils)
if [ "${#need[@]}" -gt 0 ]; then
  echo "bench: installing ${need[*]}" >&2
  apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || { apt_update; apt-get install -y -qq "${need[@]}" >/dev/null; }
fi

# Servers, clients and tools with many dynamically linked ELF files (git, coreutils), one static binary
# (busybox-static) and shared libraries; all in Debian 12 (bookworm).
packages=(nginx redis-tools sqlite3 busybox-static git curl openssh-client coreutils postgresql-client-15)

debs="$root/.cache/bench-debs"
mkdir -p "$debs" "$root/.cache/bench"
for pkg in "${packages[@]}"; do
  if ! compgen -G "$debs/${pkg}_*.deb" >/dev/null; then
    echo "bench: apt-get download $pkg" >&2
    (cd "$debs" && apt-get download -qq "$pkg" 2>/dev/null) || { apt_update; (cd "$debs" && apt-get download -qq "$pkg" 2>/dev/null); }
  fi
  dest="$root/.cache/bench/$pkg"
  if [ ! -d "$dest" ]; then
    rm -rf "$dest.tmp"
    dpkg-deb -x "$(compgen -G "$debs/${pkg}_*.deb" | head -n 1)" "$dest.tmp"
    mv "$dest.tmp" "$dest"
  fi
done

# Real servers built from source with gcc and left unstripped, for the "not stripped" group of the arguments section
# (bench/arguments.mjs): the Debian 12 source trees test/setup/sources.sh unpacks into .cache/src (read, never
# written: each is copied into .cache/bench-build/<pkg> and built there with the upstream build's own defaults and
# flags, options only where a library is missing on this machine). Each server's binary goes to
# .cache/bench-servers/<pkg>/; one already there is not built again, and a server whose tree or tools are missing is
# skipped with a line on stderr (the arguments section then names the files it counted).
servers_build() {
  local pkg=$1 tree="$root/.cache/src/$1" work="$root/.cache/bench-build/$1" out="$root/.cache/bench-servers/$1"
  [ -d "$out" ] && return 0
  if [ ! -d "$tree" ]; then echo "bench: no .cache/src/$pkg (bash test/setup/sources.sh fetches it); $pkg not built" >&2; return 0; fi
  echo "bench: building $pkg from .cache/src/$pkg (gcc, not stripped)" >&2
  rm -rf "$work" "$out.tmp"
  mkdir -p "$(dirname "$work")" "$out.tmp"
  cp -a "$tree" "$work"
  local log="$work/.unifit-build.log" jobs
  jobs=$(nproc 2>/dev/null || echo 2)
  if (
    cd "$work"
    case $pkg in
      # redis: libc malloc, as Debian's tree (patch 0004, USE_SYSTEM_JEMALLOC) links jemalloc's unprefixed API,
      # whose library is not installed here; no TLS (its default).
      redis) make -j"$jobs" MALLOC=libc >"$log" 2>&1 && cp src/redis-server "$out.tmp/" ;;
      # nginx: no PCRE headers here, so no rewrite module (the only one that needs them).
      nginx) ./configure --without-http_rewrite_module >"$log" 2>&1 && make -j"$jobs" >>"$log" 2>&1 && cp objs/nginx "$out.tmp/" ;;
      memcached) ./configure >"$log" 2>&1 && make -j"$jobs" memcached >>"$log" 2>&1 && cp memcached "$out.tmp/" ;;
      # lighttpd: no PCRE2 headers here; modules are loaded with dlopen, the server binary is what is scanned.
      lighttpd) ./configure --without-pcre2 >"$log" 2>&1 && make -j"$jobs" >>"$log" 2>&1 && cp src/lighttpd "$out.tmp/" ;;
    esac
  ); then
    mv "$out.tmp" "$out"
    rm -rf "$work"
  else
    echo "bench: building $pkg failed (log: .cache/bench-build/$pkg/.unifit-build.log); not in the corpus" >&2
    rm -rf "$out.tmp"
  fi
}
if command -v gcc >/dev/null && command -v make >/dev/null; then
  for pkg in memcached nginx lighttpd redis; do servers_build "$pkg"; done
else
  echo "bench: gcc or make missing; the servers are not built" >&2
fi
