#!/bin/sh
# The README's second command and what CI runs: installs what is missing, builds with gcc and
# clang (warnings are errors), runs every test, runs them again under AddressSanitizer and
# UndefinedBehaviorSanitizer, then a bounded fuzz run (FUZZ_SECONDS per target, default 60).
set -eu
cd "$(dirname "$0")/.."
start=$(date +%s)
stage() { echo "== $1 (at $(($(date +%s) - start))s)"; }
./scripts/deps.sh
stage "gcc build and tests"
make -s -j2 CC=gcc
make -s check CC=gcc
stage "clang build (warnings)"
make -s -j2 CC=clang BUILD=build/clang build/clang/vidc
stage "sanitizers"
make -s asan
stage "fuzz (${FUZZ_SECONDS:-60}s per target)"
make -s fuzz-run FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
echo "all tests passed in $(($(date +%s) - start))s"
