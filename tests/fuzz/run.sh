#!/bin/sh
# run.sh - bounded fuzzing for CI and by hand: `tests/fuzz/run.sh DIR SECONDS` runs every fuzz
# binary in DIR (built by `make fuzz`) for SECONDS each, FUZZ_JOBS at a time (default 1), over a
# temporary copy of its seed corpus, and exits 1 if any of them crashes, leaks, times out or runs
# out of memory, printing the reproducer's path and the report with its stack.
#
# Seeds for target NAME: tests/fuzz/corpus/NAME/ (committed, includes hand-made nasty inputs and
# past crashes, so an unfixed crash fails at once), plus the repository's current specs for
# fuzz_compile (examples/, tests/diag/, tests/ir/) and timing files for fuzz_timing
# (tests/fixtures/*.json), so new tests become seeds without copying them here. The run writes
# only under a mktemp directory (kept when something is found, removed otherwise).
#
# Extra libFuzzer flags can be passed in FUZZ_FLAGS, e.g. FUZZ_FLAGS="-jobs=1"; FUZZ_JOBS=N runs
# N targets at a time (default 1). Recorded crashes
# (corpus/NAME/crash-*) are seeds, so the run fails until they are fixed; FUZZ_SKIP_CRASHES=1
# leaves them out, to look for other bugs meanwhile.
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 DIR SECONDS" >&2
	exit 2
fi
dir=$1
secs=$2
# The compile target resolves relative imports against tests/fuzz/ and reads stdlib/: run it
# from the repository root, whatever the caller's directory.
root=$(cd "$(dirname "$0")/../.." && pwd)
case $dir in /*) ;; *) dir=$(pwd)/$dir ;; esac
cd "$root" || exit 2

work=$(mktemp -d "${TMPDIR:-/tmp}/vidc-fuzz.XXXXXX") || exit 2
status=0
found=0

seeds() {
	# $1 target name; prints the seed files, one per line
	[ -d "tests/fuzz/corpus/$1" ] && find "tests/fuzz/corpus/$1" -type f |
		if [ "${FUZZ_SKIP_CRASHES:-0}" = 1 ]; then grep -v '/crash-'; else cat; fi
	case $1 in
	fuzz_compile) ls examples/*.vid tests/diag/*.vid tests/diag/lib/*.vid tests/ir/*.vid 2>/dev/null ;;
	fuzz_timing) ls tests/fixtures/*.json 2>/dev/null ;;
	esac
}

# fuzz_one BIN: one target over its seeds; what it prints goes to $work/NAME/report, and
# $work/NAME/failed exists when it found something.
fuzz_one() {
	bin=$1
	name=$(basename "$bin")
	corpus=$work/$name/corpus
	art=$work/$name/artifacts/
	mkdir -p "$corpus" "$art"
	# Flattened names: seeds from different folders may share a base name.
	seeds "$name" | while read -r f; do
		cp "$f" "$corpus/$(echo "$f" | tr / _)"
	done
	dict=
	[ -f "tests/fuzz/dict.txt" ] && [ "$name" = fuzz_compile ] && dict=-dict=tests/fuzz/dict.txt
	log=$work/$name/log
	echo "== $name: ${secs}s over $(ls "$corpus" | wc -l) seeds"
	# shellcheck disable=SC2086 # FUZZ_FLAGS and dict are word lists on purpose
	"$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$art" -print_final_stats=1 $dict ${FUZZ_FLAGS:-} "$corpus" >"$log" 2>&1
	rc=$?
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | sed 's/^/   /'
	repro=$(find "$art" -type f | head -n 1)
	if [ $rc -ne 0 ] || [ -n "$repro" ]; then
		: >"$work/$name/failed"
		echo "!! $name failed (exit $rc)"
		[ -n "$repro" ] && echo "!! reproducer: $repro  (rerun: $bin $repro)"
		# The report: from the sanitizer's or libFuzzer's first line to the end of the stack.
		sed -n '/^==[0-9]*==ERROR\|^==[0-9]*== ERROR\|runtime error:\|^ALARM\|out-of-memory\|^INFO: a leak/,$p' "$log" | head -n 80
		echo "!! full log: $log"
	fi
}

# FUZZ_JOBS targets at a time (default 1; CI runs 2, one per core): each takes the next target
# no other has claimed (mkdir is atomic). -max_total_time is wall time, so a target keeps its
# SECONDS on its own core. The reports come out in the targets' order.
for bin in "$dir"/*; do
	[ -f "$bin" ] && [ -x "$bin" ] && echo "$bin"
done >"$work/queue"
lane() {
	while read -r bin; do
		mkdir "$work/claim.$(basename "$bin")" 2>/dev/null || continue
		mkdir -p "$work/$(basename "$bin")"
		fuzz_one "$bin" >"$work/$(basename "$bin")/report" 2>&1 </dev/null
	done <"$work/queue"
}
k=0
while [ $k -lt "${FUZZ_JOBS:-1}" ]; do
	lane &
	k=$((k + 1))
done
wait
while read -r bin; do
	name=$(basename "$bin")
	cat "$work/$name/report"
	if [ -e "$work/$name/failed" ]; then
		status=1
		found=1
	fi
done <"$work/queue"

if [ $found -eq 0 ]; then
	rm -rf "$work"
else
	echo "!! inputs and logs kept in $work"
fi
exit $status
