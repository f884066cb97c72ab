#!/usr/bin/env bash
# bench/all.sh: what `npm run bench` runs. npm appends the arguments after `--` to the LAST command of a script, so
# they are passed here and on to bench/run.mjs (the options are its own: --runs, --quick, --only-source, ...); the
# memory and image benches run after it unless the options narrow the run to the source section.
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/corpus.sh
node bench/run.mjs "$@"
for a in "$@"; do
  [[ "$a" == "--only-source" ]] && exit 0
done
node bench/memory.mjs
node bench/image.mjs
