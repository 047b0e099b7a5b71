#!/bin/sh
# The README's second command and what CI runs: installs what is missing, builds with gcc and
# clang (warnings are errors), runs every test, runs them again under AddressSanitizer and
# UndefinedBehaviorSanitizer, then a bounded fuzz run (FUZZ_SECONDS per target, default 10: the
# seeds, past findings included, run first; long runs are done by hand with
# make fuzz-run FUZZ_SECONDS=900). On 2 cores (2026-11-30, after issue 16's features): the gcc
# suite 15 min on the idle machine, the sanitizers' about 12-13, six fuzz targets; 10 s per
# target keeps the whole run under 30 minutes.
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
make -s -j2 asan
stage "fuzz (${FUZZ_SECONDS:-10}s per target)"
FUZZ_JOBS=2 make -s -j2 fuzz-run FUZZ_SECONDS="${FUZZ_SECONDS:-10}"
echo "all tests passed in $(($(date +%s) - start))s"
