#!/bin/sh
# The README's second command and what CI runs: installs what is missing, builds with gcc and
# clang (warnings are errors), runs every test, runs them again under AddressSanitizer and
# UndefinedBehaviorSanitizer, then a bounded fuzz run (FUZZ_SECONDS per target, default 10: the
# seeds, past findings included, run first; long runs are done by hand with
# make fuzz-run FUZZ_SECONDS=900). The limit is 30 minutes on 2 cores. Measured on the idle
# machine (ci10, 2026-11-30): gcc build and suite 815 s, clang 27 s, sanitizers 737 s, fuzz about
# 170 s, 1749-1790 s in all. Since then (issue: CI time; not yet timed as a whole, the machine
# was at load 17-28 while this changed): the tests of both suites run from one queue in two
# lanes, longest first (tests/run.sh, tests/times.txt), unit tests included, where before the
# unit tests ran alone and the lanes split the shell tests by name (ci10's slow ones: 513 s in
# one lane, 338 in the other); the sanitizer build (179 s of CPU, measured) and the fuzzer's
# build use both cores (-j2: they ran on one); the fuzz targets run two at a time, 10 s each
# still; service_worker.sh's takeover renders at 10 fps; simd_levels.sh composes no frames under
# the sanitizers (its comment says why). Expected from the parts: 23-24 minutes, to be confirmed
# by the next run on the idle machine. Each suite prints its own seconds on its last line, so the
# build's share of a stage is the rest.
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
