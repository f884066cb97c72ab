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
# The versions fixtures/source-trees/ was reviewed on (its line numbers belong to them). Tried first; when the
# archive no longer has one, the newest version it can serve is taken instead, with a warning (the test then tells
# the difference).
declare -A pinned=([nginx]=1.22.1-9+deb12u9 [redis]=5:7.0.15-1~deb12u10 [lighttpd]=1.4.69-1 [memcached]=1.6.18-1+deb12u1)
# The upstream tag and commit each pinned version's .orig tarball is, checked file by file (git blob hashes of the
# tarball's files against the commit's tree; fixtures/source-trees/README.md gives the counts). CI reaches Debian,
# not GitHub, so the trees come from Debian; these record what they are.
declare -A upstream=(
  [nginx]="https://github.com/nginx/nginx release-1.22.1 352a7d2bc4aa6b51e6e5c13f811bf961201c763d"
  [redis]="https://github.com/redis/redis 7.0.15 f35f36a265403c07b119830aa4bb3b7d71653ec9"
  [lighttpd]="https://github.com/lighttpd/lighttpd1.4 lighttpd-1.4.69 662710a99f4289e8a56436d0b5766b562af5a535"
  [memcached]="https://github.com/memcached/memcached 1.6.18 8bb9d9a3e5ca93c38db97181d4c15b03d48a644d"
)
# The unpacked tree of each pinned version (Debian patches applied, .pc/ removed): sha256 of the `sha256sum` lines
# of its regular files in byte order of their paths (tree_hash below). A pinned version that unpacks to anything else
# is refused.
declare -A tree_sha256=(
  [nginx]=44dc147dc6849136ab46ddae4aed6b58decd60a1354e26e39b57dfacf397f624
  [redis]=2edbf04a890c984197569039e8ddb689304fb5a26d1085cb535183392151c139
  [lighttpd]=9eba58d5cf922539c29b70675cdf506a2a89979ba3f4089f4f077dba4e969c7a
  [memcached]=98d84e060d29a97558c2b81b5ababcb5cea1fe4bdddc026ebd6d5f54b5de1142
)
tree_hash() {
  (cd "$1" && find . -type f ! -name '.unifit-*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}
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

# Source versions of a package in the private index, newest first (Debian version order).
versions_of() {
  local vs=() v i j t
  mapfile -t vs < <(apt-cache "${apt_opts[@]}" showsrc "$1" | awk '/^Version:/ { print $2 }' | sort -u)
  for ((i = 0; i < ${#vs[@]}; i++)); do
    for ((j = i + 1; j < ${#vs[@]}; j++)); do
      if dpkg --compare-versions "${vs[j]}" gt "${vs[i]}"; then t=${vs[i]}; vs[i]=${vs[j]}; vs[j]=$t; fi
    done
  done
  printf '%s\n' "${vs[@]}"
}

for pkg in "${missing[@]}"; do
  # The pinned version, then the others newest first. When the archive cannot serve all of a version's files (seen:
  # the deb.debian.org proxy here answers 404 for the .dsc and .debian.tar.xz of nginx 1.22.1-9+deb12u11 in
  # bookworm-security although the Sources index lists them), the next one is fetched, still with apt-get source
  # from the same index.
  dsc=""
  for ver in "${pinned[$pkg]}" $(versions_of "$pkg" | grep -vxF "${pinned[$pkg]}"); do
    want="$dl/${pkg}_${ver#*:}.dsc"
    if [ ! -f "$want" ]; then
      echo "sources: apt-get source --download-only $pkg=$ver" >&2
      if ! (cd "$dl" && apt-get "${apt_opts[@]}" source --download-only -qq "$pkg=$ver" >/dev/null); then
        echo "sources: $pkg $ver could not be downloaded, trying an older version" >&2
        rm -f "$want"
        continue
      fi
    fi
    dsc=$want
    [ "$ver" = "${pinned[$pkg]}" ] || echo "sources: warning: $pkg ${pinned[$pkg]} is not available, unpacking $ver (fixtures/source-trees was made from ${pinned[$pkg]})" >&2
    break
  done
  [ -n "$dsc" ] || { echo "sources: no version of $pkg could be downloaded" >&2; exit 1; }
  # Unpacked next to the downloads (dpkg-source leaves links to the upstream tarballs beside the tree it makes),
  # then moved into place whole, so that an interrupted run leaves no half tree in .cache/src.
  tmp="$dl/unpack/$pkg"
  rm -rf "$dl/unpack"
  mkdir -p "$dl/unpack"
  dpkg-source -q -x --no-check "$dsc" "$tmp" >/dev/null
  # quilt's .pc/ keeps unpatched copies of the files the Debian patches change: not part of the source.
  rm -rf "$tmp/.pc"
  got=$(tree_hash "$tmp")
  if [ "$dsc" = "$dl/${pkg}_${pinned[$pkg]#*:}.dsc" ]; then
    if [ "$got" != "${tree_sha256[$pkg]}" ]; then
      echo "sources: $pkg ${pinned[$pkg]}: the unpacked tree's hash is $got, pinned ${tree_sha256[$pkg]}; not used" >&2
      rm -rf "$dl/unpack"
      exit 1
    fi
  else
    echo "sources: warning: $pkg: no pinned hash for this version (tree $got; upstream of the pinned one: ${upstream[$pkg]})" >&2
  fi
  cp "$dsc" "$tmp/.unifit-dsc" # which version was unpacked, for fixtures/source-trees/README.md
  mv "$tmp" "$src/$pkg"
  rm -rf "$dl/unpack"
done
