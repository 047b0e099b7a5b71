#!/bin/sh
# compile.sh - compile time of a 15-minute youtube_long spec (180 scenes, 720 layers, written by
# gen_long.sh), measured inside one process by build/bench/compile_time (no start-up, no
# dynamic linking: the compiler's own time), and `vidc ir` end to end for comparison.
#   bench/compile.sh [BUILD_DIR] [RUNS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
B=${1:-$here/../build}
RUNS=${2:-50}
VIDC_STDLIB=${VIDC_STDLIB:-$(cd "$here/../stdlib" && pwd)} # compile_time is not beside it
export VIDC_STDLIB
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$here/../examples/assets" "$tmp/assets" # inside the spec's folder, where it may read
"$here/gen_long.sh" 180 "$tmp/assets" >"$tmp/long.vid"
"$B/vidc" check -Wno-pan-range "$tmp/long.vid"
"$B/bench/compile_time" "$tmp/long.vid" "$RUNS"
t0=$(date +%s%N)
"$B/vidc" ir -Wno-pan-range -o "$tmp/long.ir" "$tmp/long.vid"
t1=$(date +%s%N)
echo "vidc ir, whole process (start-up and library loading included): $(((t1 - t0) / 1000000)) ms"
