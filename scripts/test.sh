#!/bin/sh
# The README's second command and what CI runs: installs what is missing, builds with gcc and
# clang (warnings are errors), runs every test, runs them again under AddressSanitizer and
# UndefinedBehaviorSanitizer, then a bounded fuzz run (FUZZ_SECONDS per target, default 10: the
# seeds, past findings included, run first; long runs are done by hand with
# make fuzz-run FUZZ_SECONDS=900). The limit is 30 minutes on 2 cores. The tests of both suites
# run from one queue in two lanes, longest first (tests/run.sh, tests/times.txt), unit tests
# included; the sanitizer and fuzzer builds use both cores; the fuzz targets run two at a time,
# 10 s each still. Measured on the idle machine (2026-11-30 17:30 UTC, a clean clone): gcc build
# and suite 739 s (146 tests: 697 s), clang 24 s, sanitizers 516 s (456 s), fuzz 96 s: 1375 s in
# all, where the same suite took 1749-1790 s with the unit tests alone on one core, the shell
# tests split between the lanes by name and the sanitizer build on one core. Each suite prints
# its own seconds on its last line, so the build's share of a stage is the rest.
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
