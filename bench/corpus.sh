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
