#!/bin/sh
# The README's second command and what CI runs: installs what is missing, builds with gcc
# (warnings are errors), runs every test, runs them again under AddressSanitizer and
# UndefinedBehaviorSanitizer (a clang build, warnings as errors too: it is the clang check), then
# a bounded fuzz run (FUZZ_SECONDS per target, default 10: the seeds, past findings included, run
# first; long runs are done by hand with make fuzz-run FUZZ_SECONDS=900). The limit is 30
# minutes on 2 cores. The tests of both suites run from one queue in two lanes, longest first
# (tests/run.sh, tests/times.txt), unit tests included. While the gcc suite runs, the sanitizer
# and fuzzer builds are made behind it at the lowest priority (nice 19): the suite's jobs spend
# much of their time waiting on servers, polls and the encoder's other thread, and the builds
# take that idle CPU instead of a stage of their own (their output is shown only if they fail).
# Each suite prints its own seconds on its last line, so the build's share of a stage is the
# rest. VIDC_CI_SERIAL=1 makes the builds a stage of their own again (to time them alone).
set -eu
cd "$(dirname "$0")/.."
start=$(date +%s)
stage() { echo "== $1 (at $(($(date +%s) - start))s)"; }
./scripts/deps.sh
stage "gcc build"
make -s -j2 CC=gcc
builds='make -s -j2 asan-build && make -s -j2 fuzz'
blog=$(mktemp)
bpid=""
# a failed stage stops the builds behind it too (their own process group)
trap 'if [ -n "$bpid" ]; then kill -- "-$bpid" 2>/dev/null; fi; rm -f "$blog"' EXIT
if [ "${VIDC_CI_SERIAL:-0}" = 1 ]; then
	stage "sanitizer and fuzzer builds"
	sh -c "$builds"
else
	setsid nice -n 19 sh -c "$builds" >"$blog" 2>&1 &
	bpid=$!
fi
stage "gcc tests"
make -s check CC=gcc
if [ -n "$bpid" ]; then
	stage "waiting for the sanitizer and fuzzer builds"
	wait "$bpid" || { tail -60 "$blog"; echo "the sanitizer or fuzzer build failed"; exit 1; }
	bpid=""
fi
stage "sanitizers"
make -s asan
stage "fuzz (${FUZZ_SECONDS:-10}s per target)"
FUZZ_JOBS=2 ./tests/fuzz/run.sh build/fuzz "${FUZZ_SECONDS:-10}" # built above (make fuzz-run would link them again)
echo "all tests passed in $(($(date +%s) - start))s"
