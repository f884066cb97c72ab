#!/usr/bin/env bash
# Fetches the Debian 12 source packages of nginx, redis, lighttpd and memcached and unpacks each into
# .cache/src/<pkg>/ for test/source/real-trees.test.ts and the source section of bench/run.mjs. Idempotent: a package
# already unpacked is skipped, and nothing is fetched when all four are there.
#
# The machine's apt configuration is never touched (its debian.sources has only `Types: deb`): a private sources file
# with the deb-src lines lives in .cache/apt/, and apt-get is pointed at it, and at private lists and cache
# directories, with -o options. `apt-get source --download-only` fetches into .cache/src-dl/ (verified against the
# signed Sources index); `dpkg-source -x --no-check` unpacks (the .dsc signatures are not checked, the checksums
# of the parts are, through the signed index that apt used).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export DEBIAN_FRONTEND=noninteractive

packages=(nginx redis lighttpd memcached)
src="$root/.cache/src"
dl="$root/.cache/src-dl"
aptdir="$root/.cache/apt"

missing=()
for pkg in "${packages[@]}"; do [ -d "$src/$pkg" ] || missing+=("$pkg"); done
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v dpkg-source >/dev/null; then
  echo "sources: installing dpkg-dev (for dpkg-source)" >&2
  apt-get install -y -qq dpkg-dev >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq dpkg-dev >/dev/null; }
fi

mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial" "$dl" "$src"
cat >"$aptdir/sources.list" <<'EOF'
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
EOF
apt_opts=(
  -o "Dir::Etc::SourceList=$aptdir/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$aptdir/lists"
  -o "Dir::Cache=$aptdir/cache"
  -o "APT::Sandbox::User=root"
)

# The private index is refreshed only when it has no Sources file yet (a second run after a partial failure
# reuses it).
if ! compgen -G "$aptdir/lists/*_Sources*" >/dev/null; then
  echo "sources: apt-get update (private deb-src lists in .cache/apt)" >&2
  apt-get "${apt_opts[@]}" update -qq
fi

for pkg in "${missing[@]}"; do
  if ! compgen -G "$dl/${pkg}_*.dsc" >/dev/null; then
    echo "sources: apt-get source --download-only $pkg" >&2
    (cd "$dl" && apt-get "${apt_opts[@]}" source --download-only -qq "$pkg" >/dev/null)
  fi
  # The newest .dsc of the package (bookworm-security may hold a newer one than bookworm).
  dsc=$(ls -1 "$dl/${pkg}"_*.dsc | sort -V | tail -n 1)
  rm -rf "$src/$pkg.tmp"
  dpkg-source -q -x --no-check "$dsc" "$src/$pkg.tmp" >/dev/null
  cp "$dsc" "$src/$pkg.tmp/.unifit-dsc" # which version was unpacked, for fixtures/source-trees/README.md
  mv "$src/$pkg.tmp" "$src/$pkg"
done
